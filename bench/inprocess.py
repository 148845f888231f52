"""The registration service in process, without HTTP, on PostgreSQL.

    python -m bench.inprocess --n 200 [--profile] [--show-sql]

Times `eventapp.services.registration.lifecycle.register` for `--n` attendees of one event whose
capacity is 90 % of them (four tracks sharing it), so about one in ten ends on a waiting
list. Each registration runs as a request would: its own request context (a fresh
session), `register(...)` and a commit. A few registrations for another event warm up
first and are not counted. Prints the milliseconds per registration (register + commit),
how many were confirmed and waitlisted, the SQL statements each registration sends, and
checks that every registration has its message in the outbox and no seat is oversold.
Then times building each attendee's calendar invite (`calendar.registration_invite`, the
registrations loaded beforehand: the file alone, no SQL).
"""
import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import event as sa_event

from . import common


@dataclass
class StatementRecorder:
    """Counts the statements sent to the database (and the time spent waiting for them)."""

    active: bool = False
    statements: list[str] = field(default_factory=list)
    sql_s: float = 0.0
    _started: float = 0.0

    def start(self) -> None:
        self.active, self.statements, self.sql_s = True, [], 0.0

    def stop(self) -> None:
        self.active = False

    def before(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self.statements.append(statement)
            self._started = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self.sql_s += time.perf_counter() - self._started


@dataclass
class Sample:
    total_s: float
    register_s: float
    commit_s: float
    sql_s: float
    statements: list[str]
    seated: bool = False
    status: str = ""


def statement_kind(statement: str) -> str:
    words = statement.lstrip().split(None, 1)
    kind = words[0].upper() if words else "?"
    if kind == "SELECT" and "FOR UPDATE" in statement.upper():
        return "SELECT ... FOR UPDATE"
    return kind


def short(statement: str, width: int = 150) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="attendees to register (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=5, help="registrations before, not counted (default %(default)s)")
    parser.add_argument("--profile", action="store_true",
                        help="run the registrations under cProfile and print where the time goes "
                        "(the profiler slows everything: read its times as shares, not as figures)")
    parser.add_argument("--show-sql", action="store_true",
                        help="print the statements of the first (seated) and the last (waitlisted) registration")
    parser.add_argument("--json", type=Path, help="also write the figures to this file (e.g. bench/results/inprocess.json)")
    common.add_database_argument(parser)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    return args


GOAL_MS_PER_INVITE = 0.2


def time_invites(app, event_id: int) -> list[float]:
    """Seconds to build each registrant's invite (METHOD:REQUEST) of the event, in their language."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload, selectinload

    from eventapp.extensions import db
    from eventapp.models import Event, Registration, Slot, TrackChoice
    from eventapp.services.documents.calendar import registration_invite

    with app.test_request_context():
        people = db.session.scalars(
            select(Registration).where(Registration.event_id == event_id).order_by(Registration.id).options(
                joinedload(Registration.event).selectinload(Event.slots).selectinload(Slot.tracks),
                selectinload(Registration.choices).joinedload(TrackChoice.track),
            )
        ).unique().all()
        registration_invite(people[0])  # loads the translations and the URL map once
        seconds = []
        for person in people:
            t0 = time.perf_counter()
            registration_invite(person, "REQUEST")
            seconds.append(time.perf_counter() - t0)
        db.session.remove()
    return seconds


def main(argv=None) -> int:
    args = parse_args(argv)
    from eventapp.extensions import db
    from eventapp.models import AttendanceMode, Registration, Sector, utcnow
    from eventapp.services.registration.lifecycle import RegistrationData, is_fully_seated, register

    capacity = max(round(args.n * 0.9), 1)
    run = uuid.uuid4().hex[:6]
    recorder = StatementRecorder()
    profiler = cProfile.Profile() if args.profile else None

    with common.bench_database(args.database_url) as database_url:
        app = common.make_app(database_url)
        try:
            common.migrate(app)
            directory = common.load_directory(app)
            event = common.create_event(app, capacity=capacity, track_capacities=common.split_capacity(capacity))
            warm_capacity = max(args.warmup - 2, 1)
            warmup_event = common.create_event(app, capacity=warm_capacity,
                                               track_capacities=common.split_capacity(warm_capacity))
            with app.app_context():
                sa_event.listen(db.engine, "before_cursor_execute", recorder.before)
                sa_event.listen(db.engine, "after_cursor_execute", recorder.after)

            def one(i: int, target: common.BenchEvent, tag: str, measure: bool) -> Sample:
                person = common.attendee(i, directory, f"{run}{tag}", remote_every=None)  # all in person
                data = RegistrationData(
                    full_name=person.full_name, email=person.email, sector=Sector(person.sector),
                    attendance_mode=AttendanceMode(person.attendance_mode),
                    track_ids={target.slot_id: target.track_ids[i % len(target.track_ids)]},
                    consent_data=True, organisation_name=person.organisation, language=person.language,
                )
                with app.test_request_context(f"/events/{target.slug}/register", method="POST"):
                    recorder.start()
                    if profiler and measure:
                        profiler.enable()
                    t0 = time.perf_counter()
                    result = register(db.session, target.id, data, utcnow())
                    t1 = time.perf_counter()
                    db.session.commit()
                    t2 = time.perf_counter()
                    if profiler and measure:
                        profiler.disable()
                    recorder.stop()
                    registration = db.session.get(Registration, result.registration.id)
                    return Sample(
                        total_s=t2 - t0, register_s=t1 - t0, commit_s=t2 - t1, sql_s=recorder.sql_s,
                        statements=recorder.statements, seated=is_fully_seated(registration),
                        status=registration.status.value,
                    )

            for i in range(args.warmup):
                one(i, warmup_event, "w", measure=False)
            samples = [one(i, event, "", measure=True) for i in range(args.n)]
            check = common.verify(database_url, event)
            invite_s = time_invites(app, event.id)
        finally:
            with app.app_context():
                db.engine.dispose()

    # --- figures ---
    ms = common.summary_ms([s.total_s for s in samples])
    invite_ms = common.summary_ms(invite_s)
    counts = [len(s.statements) for s in samples]
    seated = [s for s in samples if s.seated]
    waiting = [s for s in samples if not s.seated]
    kinds = Counter(statement_kind(st) for s in samples for st in s.statements)
    mean = statistics.fmean
    goal_met = ms["mean"] <= common.GOAL_MS_PER_REGISTRATION

    def by_outcome(values, average=statistics.fmean) -> str:
        return "  ".join(
            f"{label} {average([values(s) for s in group]):.1f}"
            for label, group in (("seated", seated), ("waiting", waiting)) if group
        )

    common.print_table(
        f"In process: register() + commit for {args.n} attendees, PostgreSQL, event capacity {capacity} "
        f"(tracks {'/'.join(map(str, common.split_capacity(capacity)))})",
        [
            ("ms per registration", f"mean {ms['mean']:.2f}   p50 {ms['p50']:.2f}   p95 {ms['p95']:.2f}   max {ms['max']:.2f}"
                                    f"   (goal <= {common.GOAL_MS_PER_REGISTRATION:g}: {common.met(goal_met)})"),
            ("  of which register()", f"{mean([s.register_s for s in samples]) * 1000:.2f} ms mean"),
            ("  of which commit", f"{mean([s.commit_s for s in samples]) * 1000:.2f} ms mean"),
            ("  waiting for SQL", f"{mean([s.sql_s for s in samples]) * 1000:.2f} ms mean "
                                  "(cursor.execute: round trip + server; the rest is Python and COMMIT)"),
            ("ms by outcome (p50)", by_outcome(lambda s: s.total_s * 1000, statistics.median)),
            ("confirmed / waitlisted", f"{check.confirmed} / {check.waitlisted}   "
                                       f"(fully seated {len(seated)}, waiting for a seat or a track {len(waiting)})"),
            ("SQL statements per registration", f"mean {mean(counts):.1f}   min {min(counts)}   max {max(counts)}   "
                                                f"({by_outcome(lambda s: len(s.statements))})"),
            ("  by kind, per registration", "  ".join(f"{k} {v / len(samples):.1f}" for k, v in kinds.most_common())),
            ("seats oversold", str(check.oversold)),
            ("registrations without a message", f"{check.without_message}   (messages {check.messages})"),
            ("for comparison", common.REFERENCE_FIGURES + " (2-core machines)"),
            ("ms per invite", f"mean {invite_ms['mean']:.3f}   p50 {invite_ms['p50']:.3f}"
                              f"   p95 {invite_ms['p95']:.3f}   (goal <= {GOAL_MS_PER_INVITE:g}: "
                              f"{common.met(invite_ms['mean'] <= GOAL_MS_PER_INVITE)}; "
                              "Indico's event export ~0.2 ms, pretix's ~9 ms)"),
        ],
    )
    if profiler:
        print("  (under --profile: the times above include the profiler's own cost)")

    if args.show_sql:
        for label, sample in (("first registration (seated)", samples[0]), ("last registration", samples[-1])):
            print(f"\nStatements of the {label}: {len(sample.statements)}")
            for number, statement in enumerate(sample.statements, start=1):
                print(f"  {number:2d}. {short(statement)}")
        repeated = Counter(short(st, 100) for st in samples[-1].statements)
        print("\nRepeated in the last registration: " + (
            "; ".join(f"{n}x {st}" for st, n in repeated.items() if n > 1) or "nothing"))

    if profiler:
        for sort in ("cumulative", "tottime"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort)
            stats.print_stats(30)
            print(f"\ncProfile, {args.n} registrations, sorted by {sort} (top 30):")
            print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))

    failures = []
    if check.registrations != args.n:
        failures.append(f"{check.registrations} registrations stored, {args.n} made")
    if check.oversold:
        failures.append(f"{check.oversold} seats oversold")
    if check.without_message:
        failures.append(f"{check.without_message} registrations without a message")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "n": args.n, "capacity": capacity, "ms": ms,
            "register_ms_mean": mean([s.register_s for s in samples]) * 1000,
            "commit_ms_mean": mean([s.commit_s for s in samples]) * 1000,
            "sql_ms_mean": mean([s.sql_s for s in samples]) * 1000,
            "statements_mean": mean(counts), "statements_min": min(counts), "statements_max": max(counts),
            "statements_by_kind": {k: v / len(samples) for k, v in kinds.items()},
            "check": asdict(check) | {"oversold": check.oversold}, "profiled": bool(profiler), "failures": failures,
            "invite_ms": invite_ms,
        }, indent=2))

    if failures:
        print("\nFAILED: " + "; ".join(failures))
        return 1
    print("\nOK: every registration stored with its message, nothing oversold.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
