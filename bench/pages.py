"""Every public and organiser page of a large event: SQL statements per page and server time.

    python -m bench.pages
    python -m bench.pages --repeat 50 --profile --json bench/results/pages.json

Builds a database as the other benchmarks do (the directory of 577 organisations), a published
event with four tracks and `--registrations` registrations (default 600: some cancelled, some
waitlisted, one in ten remote, half checked in at the door and a quarter at their track, a third
answering two questions of the event's own), and a small event of the same shape with `--small`
registrations (default 5). An organiser signs in through Flask's test client, which then GETs
every page of the large event that takes only the event's address (and a track): `--warmup`
requests first (default 3), then `--repeat` timed ones (default 20), each timed around the test
client's request and reading its body: the WSGI app's whole work, in process, on PostgreSQL,
without HTTP parsing or sockets. The SQL statements of one request of each page are counted (a
`before_cursor_execute` listener) for the large and for the small event. Downloads of all badges
as a PDF are left out (bench.checkin times them), and so is /events/<slug>/summaries.pdf (it
answers 404 until a summary is published); the dashboard /admin/ takes no event, so both counts
are of the same page.

Goals (from the issue): every page answers in a constant number of statements (the same for
600 registrations as for 5) and in <= 50 ms server time at p95. Prints a line a page and
"pages: N of M met both goals". The goals are reported, not enforced: exits 1 only when a page
answers another status than its own or a request fails. `--profile` then runs `--repeat`
requests of each page over 50 ms under cProfile and prints eventapp's functions by cumulative time.
"""
import argparse
import cProfile
import gc
import io
import json
import pstats
import time
import uuid
from pathlib import Path

from . import common
from .burst import TOKEN
from .checkin import add_attendees, make_organiser

GOAL_P95_MS = 50.0

# The GET pages of an event; {slug} is the event's address, {track} the id of its first track.
PAGES = [
    "/events/{slug}",
    "/events/{slug}/register",
    "/events/{slug}.ics",
    "/events/{slug}/register/sent",
    "/admin/",
    "/admin/events/{slug}",
    "/admin/events/{slug}/edit",
    "/admin/events/{slug}/registrations",
    "/admin/events/{slug}/registrations?page=2",
    "/admin/events/{slug}/registrations?q=berz",
    "/admin/events/{slug}/registrations.csv",
    "/admin/events/{slug}/registrations.xlsx",
    "/admin/events/{slug}/attendance",
    "/admin/events/{slug}/attendance.csv",
    "/admin/events/{slug}/attendance.xlsx",
    "/admin/events/{slug}/coverage",
    "/admin/events/{slug}/coverage-report.csv",
    "/admin/events/{slug}/coverage-report.xlsx",
    "/admin/events/{slug}/coverage-report.pdf",
    "/admin/events/{slug}/questions",
    "/admin/events/{slug}/questions/new",
    "/admin/events/{slug}/messages",
    "/admin/events/{slug}/messages/new",
    "/admin/events/{slug}/summaries",
    "/admin/events/{slug}/feedback",
    "/admin/events/{slug}/feedback.csv",
    "/admin/events/{slug}/feedback.xlsx",
    "/admin/events/{slug}/invitations",
    "/admin/events/{slug}/invitations/new",
    "/admin/events/{slug}/failed-mail",
    "/admin/events/{slug}/slots/new",
    "/admin/events/{slug}/checkin-links",
    "/admin/events/{slug}/checkin",
    "/admin/events/{slug}/checkin/walk-in",
    "/admin/events/{slug}/checkin/manifest.webmanifest",
    "/admin/events/{slug}/checkin/sw.js",
    "/api/events/{slug}/checkin-list",
    "/admin/events/{slug}/tracks/{track}/people",
    "/admin/events/{slug}/tracks/{track}/edit",
    "/admin/events/{slug}/tracks/{track}/summary",
]


class PageError(Exception):
    """A page answered another status than 200, or the request failed."""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=600, help="of the large event (default %(default)s)")
    parser.add_argument("--small", type=int, default=5, help="registrations of the small event (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests a page (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=3, help="requests a page before timing (default %(default)s)")
    parser.add_argument("--profile", action="store_true", help="profile the pages over the time goal afterwards")
    parser.add_argument("--top", type=int, default=25, help="lines of each profile (default %(default)s)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file (e.g. bench/results/pages.json)")
    common.add_database_argument(parser)
    args = parser.parse_args(argv)
    if min(args.registrations, args.small, args.repeat) < 1 or args.warmup < 0:
        parser.error("--registrations, --small and --repeat must be at least 1")
    return args


# --- the data ---------------------------------------------------------------------------------

def populate(app, event: common.BenchEvent, count: int, directory: list, run: str) -> None:
    """`count` registrations as add_attendees writes them, then varied by their number: one in
    twenty cancelled, one in twenty waitlisted, one in ten remote; of the confirmed, every second
    checked in at the door and every fourth at its track; every third is from a state institution
    of the directory (the coverage pages read those) and answers two questions."""
    from eventapp.extensions import db
    from eventapp.models import (
        AttendanceMode,
        CheckIn,
        Event,
        Organisation,
        QuestionKind,
        Registration,
        RegistrationStatus,
        Sector,
        utcnow,
    )
    from eventapp.services.registration.answers import AnswerValue, save_answers
    from eventapp.services.registration.questions import QuestionData, add_question

    add_attendees(app, event, count, directory, run)
    now = utcnow()
    with app.app_context():
        target = db.session.get(Event, event.id)
        menu = add_question(db.session, None, target, QuestionData(
            kind=QuestionKind.ONE_CHOICE, text_lv="Ēdienkarte", options_lv=["Veģetārā", "Zivis"]), now)
        photos = add_question(db.session, None, target, QuestionData(kind=QuestionKind.YES_NO, text_lv="Foto?"), now)
        institutions = db.session.query(Organisation).filter_by(sector=Sector.STATE_ADMINISTRATION).all()
        registrations = db.session.query(Registration).filter_by(event_id=event.id).order_by(Registration.id)
        for i, registration in enumerate(registrations):
            status = {1: RegistrationStatus.CANCELLED, 2: RegistrationStatus.WAITLISTED}.get(i % 20)
            if status is not None:
                registration.status = status
                registration.cancelled_at = now if status is RegistrationStatus.CANCELLED else None
                for choice in registration.choices:
                    choice.status = status
            if i % 10 == 3:
                registration.attendance_mode = AttendanceMode.REMOTE
            if registration.status is RegistrationStatus.CONFIRMED and i % 2 == 0:
                places = [None] + ([registration.choices[0].track_id] if i % 4 == 0 else [])
                db.session.add_all(CheckIn(registration_id=registration.id, track_id=track_id,
                                           scan_id=uuid.uuid4().hex, scanned_at=now) for track_id in places)
            if i % 3 == 0:
                registration.organisation = institutions[i % len(institutions)]
                registration.organisation_name, registration.sector = "", Sector.STATE_ADMINISTRATION
                save_answers(db.session, registration, [menu, photos], {
                    menu.id: AnswerValue(option_ids=(menu.options[i % 2].id,)), photos.id: AnswerValue(yes_no=i % 2 == 0),
                }, now)
        db.session.commit()
        db.session.remove()


def sign_in(app, email: str, password: str):
    """A test client with an organiser's session, signed in as a browser does."""
    client = app.test_client()
    token = TOKEN.search(client.get("/admin/login").get_data(as_text=True))
    answer = client.post("/admin/login", data={
        "email": email, "password": password, "csrf_token": token.group(1) if token else "",
    })
    if answer.status_code != 302:
        raise PageError(f"signing in answered {answer.status_code}")
    return client


# --- measuring --------------------------------------------------------------------------------

class StatementCounter:
    """Counts the statements sent to the database while `active`."""

    def __init__(self) -> None:
        self.active, self.count = False, 0

    def before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.active:
            self.count += 1


def fetch(client, path: str) -> float:
    """One GET, its body read: the seconds it took; PageError unless it answered 200."""
    t0 = time.perf_counter()
    answer = client.get(path)
    answer.get_data()
    seconds = time.perf_counter() - t0
    if answer.status_code != 200:
        raise PageError(f"GET {path} answered {answer.status_code}: {answer.get_data(as_text=True)[:300]}")
    return seconds


def statements_of(client, counter: StatementCounter, path: str) -> int:
    counter.active, counter.count = True, 0
    try:
        fetch(client, path)
    finally:
        counter.active = False
    return counter.count


def measure(client, counter: StatementCounter, page: str, large: common.BenchEvent, small: common.BenchEvent,
            args) -> dict:
    path = page.format(slug=large.slug, track=large.track_ids[0])
    small_path = page.format(slug=small.slug, track=small.track_ids[0])
    for _ in range(args.warmup):
        fetch(client, path)
    statements = statements_of(client, counter, path)
    fetch(client, small_path)  # warm for the small event's own data too
    small_statements = statements_of(client, counter, small_path)
    figures = common.summary_ms([fetch(client, path) for _ in range(args.repeat)])
    return {
        "page": page.replace("{slug}", "<slug>").replace("{track}", "<track>"), "path": path,
        "statements": statements, "statements_small": small_statements, **{k: round(v, 2) for k, v in figures.items()},
        "constant_statements": statements == small_statements, "p95_met": figures["p95"] <= GOAL_P95_MS,
    }


def profile_page(client, path: str, repeat: int, top: int) -> None:
    """`repeat` requests of the page under cProfile: eventapp's functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        fetch(client, path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"eventapp/|templates/", top)
    body = out.getvalue()
    print(f"\ncProfile, {repeat} x GET {path}, eventapp's own functions by cumulative time (top {top}):")
    print(body[body.index("   ncalls"):].rstrip().replace(str(common.PROJECT_ROOT) + "/", ""))


def report(results: list[dict], args) -> int:
    """Print the table and the summary line; the number of pages that met both goals."""
    rows = [("page", f"{'statements':>12}  {'p50 ms':>7}  {'p95 ms':>7}  {'constant':<9} p95 <= {GOAL_P95_MS:.0f} ms")]
    for r in results:
        counts = f"{r['statements']} / {r['statements_small']}"
        rows.append((r["page"], f"{counts:>12}  {r['p50']:7.1f}  {r['p95']:7.1f}  "
                                f"{common.met(r['constant_statements']):<9} {common.met(r['p95_met'])}"))
    common.print_table(f"GET pages, in process (test client, PostgreSQL): statements for {args.registrations} / "
                       f"{args.small} registrations, {args.repeat} timed requests a page", rows)
    both = sum(r["constant_statements"] and r["p95_met"] for r in results)
    print(f"\npages: {both} of {len(results)} met both goals "
          f"(constant statements: {sum(r['constant_statements'] for r in results)}, "
          f"p95 <= {GOAL_P95_MS:.0f} ms: {sum(r['p95_met'] for r in results)})")
    return both


def main(argv=None) -> int:
    args = parse_args(argv)
    from sqlalchemy import event as sa_event

    run = uuid.uuid4().hex[:6]
    with common.bench_database(args.database_url) as database_url:
        app = common.make_app(database_url)
        from eventapp.extensions import db
        try:
            common.migrate(app)
            directory = common.load_directory(app)
            large = common.create_event(app, capacity=args.registrations,
                                        track_capacities=common.split_capacity(args.registrations))
            small = common.create_event(app, capacity=8, track_capacities=common.split_capacity(8))
            populate(app, large, args.registrations, directory, run + "l")
            populate(app, small, args.small, directory, run + "s")
            client = sign_in(app, *make_organiser(app))
            counter = StatementCounter()
            with app.app_context():
                sa_event.listen(db.engine, "before_cursor_execute", counter.before)
            gc.freeze()  # as wsgi.py does in a worker once the app is built
            print(f"{len(PAGES)} pages, {args.warmup} + {args.repeat} requests each ...", flush=True)
            results = [measure(client, counter, page, large, small, args) for page in PAGES]
            both = report(results, args)
            if args.profile:
                for r in results:
                    if not r["p95_met"]:
                        profile_page(client, r["path"], args.repeat, args.top)
        except PageError as error:
            print(f"error: {error}")
            return 1
        finally:
            with app.app_context():
                db.engine.dispose()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "registrations": args.registrations, "small": args.small, "repeat": args.repeat,
            "goal_p95_ms": GOAL_P95_MS, "met_both": both, "pages": results,
        }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
