"""Check-in at the door and badges, on PostgreSQL: through HTTP with many scanners, and in process.

    python -m bench.checkin --attendees 600 --scanners 20 --workers 4

1. Through HTTP: starts `gunicorn wsgi:app` against a fresh database holding one event with
   `--attendees` confirmed registrations, and lets `--scanners` devices at once (each with a
   check-in link of its own, as volunteers' phones have) POST /api/checkin: every badge once,
   then `--repeat` of them again (answered "already"). Prints check-ins a second and p50 / p95
   of the server's own time per check-in (gunicorn's access log, %(D)s) and of the latency a
   device sees; then as many `GET /healthz` from as many clients, the same stack with
   one SELECT 1 and no template, for reference. Checks afterwards that every attendee has exactly
   one check-in and every answer was the expected one.
2. Badges: the time to make one A4 PDF of all the attendees' badges (eight to a sheet).
3. In process, per attendee: `services.checkin.check_ins.check_in` by QR secret and the commit, the first
   scan and a repeated one, each in a request context of its own (with the SQL statements
   sent); and badges one per A6 page and eight to an A4 sheet.

Goals (bench/README.md): p95 <= 10 ms of server time over HTTP (20 scanners), at least 50 % of the bare endpoint's rate,
600 badges in <= 3 s, <= 2 ms per scan in process (Indico ~5 ms, pretix ~12 ms; their badges
~14 ms and ~30-100 ms each). Exits 1 when an answer was wrong, a request failed or got a 5xx,
or the database does not hold exactly one check-in per attendee.
"""
import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg

from . import common
from .burst import (
    TOKEN,
    Browser,
    fmt_ms,
    free_port,
    run_concurrently,
    start_gunicorn,
    stop_gunicorn,
    wait_until_healthy,
)

GOAL_P95_MS = 10.0
GOAL_SHARE_OF_BARE = 0.5
GOAL_BADGES_S = 3.0
GOAL_BADGES_COUNT = 600
GOAL_SCAN_MS = 2.0
REFERENCE = "Indico check-in ~5 ms, pretix ~12 ms; their badges ~14 ms and ~30-100 ms each"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.checkin", description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, default=600, help="registrations of the event (default %(default)s)")
    parser.add_argument("--scanners", type=int, default=20, help="devices scanning at once (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=200, help="badges scanned a second time (default %(default)s)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=40, help="scans at another event first, not counted")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a device waits for an answer")
    parser.add_argument("--startup-timeout", type=float, default=30, help="seconds to wait for gunicorn")
    parser.add_argument("--json", type=Path,
                        help="also write the figures to this file (e.g. bench/results/checkin.json)")
    common.add_database_argument(parser)
    args = parser.parse_args(argv)
    if min(args.attendees, args.scanners, args.workers) < 1 or args.repeat < 0:
        parser.error("--attendees, --scanners and --workers must be at least 1")
    args.repeat = min(args.repeat, args.attendees)
    return args


# --- the data ---------------------------------------------------------------------------------

def add_attendees(app, event: common.BenchEvent, count: int, directory: list, run: str) -> list[tuple[int, str]]:
    """`count` confirmed, in-person registrations, written directly (registering is measured by
    bench.inprocess); returns [(id, badge code)]."""
    from eventapp.extensions import db
    from eventapp.models import (
        AttendanceMode,
        Organisation,
        Registration,
        RegistrationStatus,
        Sector,
        TrackChoice,
        utcnow,
    )
    from eventapp.services.checkin.badges import badge_code
    from eventapp.services.registration.lifecycle import CONSENT_WORDING_VERSION, new_secret

    now = utcnow()
    with app.app_context():
        organisations = {o.name: o for o in db.session.query(Organisation)}
        made = []
        for i in range(count):
            person = common.attendee(i, directory, run, remote_every=None)
            track_id = event.track_ids[i % len(event.track_ids)]
            organisation = organisations.get(person.organisation)
            made.append(Registration(
                event_id=event.id, status=RegistrationStatus.CONFIRMED, attendance_mode=AttendanceMode.IN_PERSON,
                full_name=person.full_name, email=person.email, organisation=organisation,
                organisation_name="" if organisation else person.organisation, sector=Sector(person.sector),
                language=person.language, consent_data_at=now, consent_wording_version=CONSENT_WORDING_VERSION,
                secret=new_secret(), badge_secret=new_secret(), created_at=now, updated_at=now,
                choices=[TrackChoice(track_id=track_id, slot_id=event.slot_id, status=RegistrationStatus.CONFIRMED,
                                     queued_at=now)],
            ))
        db.session.add_all(made)
        db.session.commit()
        result = [(r.id, badge_code(r)) for r in made]
        db.session.remove()
    return result


def make_links(app, event: common.BenchEvent, count: int) -> list[str]:
    from datetime import timedelta

    from eventapp.extensions import db
    from eventapp.models import Event, utcnow
    from eventapp.services.checkin.check_ins import create_link

    now = utcnow()
    with app.app_context():
        target = db.session.get(Event, event.id)
        secrets = [create_link(db.session, target, None, f"Telefons {n + 1}", now + timedelta(hours=8), now).secret
                   for n in range(count)]
        db.session.commit()
        db.session.remove()
    return secrets


def make_organiser(app) -> tuple[str, str]:
    from eventapp.extensions import db
    from eventapp.models import User, UserRole

    email, password = f"bench-{uuid.uuid4().hex[:8]}@example.lv", uuid.uuid4().hex
    with app.app_context():
        user = User(email=email, name="Slodzes testa organizators", role=UserRole.ORGANISER)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        db.session.remove()
    return email, password


# --- HTTP -------------------------------------------------------------------------------------

def badges_over_http(port: int, timeout: float, slug: str, email: str, password: str) -> tuple[int | None, float, int]:
    """An organiser signs in and downloads the event's badges, eight to an A4 sheet: (status, seconds, bytes)."""
    browser = Browser("127.0.0.1", port, timeout)
    _, _, page = browser.request("GET", "/admin/login")
    token = TOKEN.search(page)
    status, _, _ = browser.request("POST", "/admin/login", {
        "email": email, "password": password, "csrf_token": token.group(1) if token else "",
    })
    if status != 302:
        return status, 0.0, 0
    t0 = time.perf_counter()
    status, headers, body = browser.request("GET", f"/admin/events/{slug}/badges.pdf?layout=a4")
    seconds = time.perf_counter() - t0
    is_pdf = headers.get("Content-Type", "").startswith("application/pdf") and body.startswith("%PDF")
    return status, seconds, int(headers.get("Content-Length", 0)) if is_pdf else 0


def post_scan(port: int, timeout: float, link: str, body: dict) -> tuple[int | None, dict | None, float]:
    """One device's scan, a new connection as a phone's browser would often make; (status, answer, seconds)."""
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json", "X-Checkin-Link": link,
               "User-Agent": "eventapp-bench/1"}
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/api/checkin", body=data, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - t0
        try:
            answer = json.loads(payload)
        except ValueError:
            answer = None
        return response.status, answer, elapsed
    except (OSError, http.client.HTTPException):
        return None, None, time.perf_counter() - t0
    finally:
        conn.close()


def get_health(port: int, timeout: float) -> tuple[int | None, float]:
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - t0
    except (OSError, http.client.HTTPException):
        return None, time.perf_counter() - t0
    finally:
        conn.close()


def server_times(log_path: Path, path: str) -> list[float]:
    """Seconds the workers spent on each request to `path`, from gunicorn's access log."""
    seconds = []
    for line in log_path.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "ACCESS" and parts[1] == path and parts[3].isdigit():
            seconds.append(int(parts[3]) / 1_000_000)
    return seconds


def run_http(args, database_url: str, event: common.BenchEvent, warm_event: common.BenchEvent,
             attendees, warm_attendees, links, warm_link, organiser: tuple[str, str]) -> dict:
    port = free_port()
    log_path = Path(tempfile.mkstemp(prefix="eventapp-bench-checkin-", suffix=".log")[1])
    access_path = Path(tempfile.mkstemp(prefix="eventapp-bench-access-", suffix=".log")[1])
    # gunicorn reads extra options from GUNICORN_CMD_ARGS: its access log gives the server's own time.
    os.environ["GUNICORN_CMD_ARGS"] = (
        f"--access-logfile {access_path} --access-logformat 'ACCESS %(U)s %(s)s %(D)s'"
    )
    try:
        process = start_gunicorn(database_url, args.workers, port, log_path)
    finally:
        os.environ.pop("GUNICORN_CMD_ARGS", None)
    try:
        try:
            wait_until_healthy(process, port, args.startup_timeout)
        except RuntimeError:
            print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
            raise
        print(f"gunicorn --workers {args.workers} on 127.0.0.1:{port}; {len(attendees)} attendees, "
              f"{args.scanners} scanners", flush=True)

        def scan(job):
            index, code, kind = job
            device = links[index % len(links)] if kind != "warm" else warm_link
            slug = warm_event.slug if kind == "warm" else event.slug
            body = {"event": slug, "code": code, "scan_id": str(uuid.uuid4()),
                    "scanned_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            status, answer, seconds = post_scan(port, args.timeout, device, body)
            return kind, status, (answer or {}).get("result"), seconds

        warm_jobs = [(i, code, "warm") for i, (_, code) in enumerate(warm_attendees)]
        run_concurrently(warm_jobs, min(args.scanners, args.workers * 2), scan)
        open(access_path, "w").close()  # only the measured scans from here on

        first = [(i, code, "first") for i, (_, code) in enumerate(attendees)]
        again = [(i, code, "again") for i, (_, code) in enumerate(random.Random(7).sample(attendees, args.repeat))]
        jobs = first + again  # every badge once, then some a second time (the queue keeps the order)
        print(f"scanning: {len(jobs)} scans from {args.scanners} devices ...", flush=True)
        outcomes, wall, _ = run_concurrently(jobs, args.scanners, scan)
        scan_server = server_times(access_path, "/api/checkin")

        print(f"reference: {len(jobs)} x GET /healthz from {args.scanners} clients ...", flush=True)
        health, health_wall, _ = run_concurrently(list(range(len(jobs))), args.scanners,
                                                  lambda _: get_health(port, args.timeout))
        health_server = server_times(access_path, "/healthz")

        print(f"badges: one A4 PDF of the {len(attendees)} attendees' badges ...", flush=True)
        badge_status, badge_s, badge_bytes = badges_over_http(port, args.timeout, event.slug, *organiser)
    finally:
        stop_gunicorn(process)
        server_log = log_path.read_text(errors="replace")
        log_path.unlink(missing_ok=True)
        access_path.unlink(missing_ok=True)

    answered = [o for o in outcomes if o[1] == 200]
    wrong = [o for o in answered if o[2] != {"first": "welcome", "again": "already"}[o[0]]]
    failed = [o for o in outcomes if o[1] != 200]
    health_ok = [s for s, _ in health if s == 200]
    return {
        "scans": len(outcomes), "answered": len(answered), "wrong_answers": len(wrong), "failed": len(failed),
        "statuses": dict(Counter(str(o[1]) for o in outcomes)),
        "results": dict(Counter(f"{o[0]}:{o[2]}" for o in answered)),
        "wall_s": wall, "per_second": len(answered) / wall,
        "server_ms": common.summary_ms(scan_server), "latency_ms": common.summary_ms([o[3] for o in outcomes]),
        "healthz_per_second": len(health_ok) / health_wall, "healthz_server_ms": common.summary_ms(health_server),
        "healthz_latency_ms": common.summary_ms([t for s, t in health if s is not None]),
        "badges_status": badge_status, "badges_s": badge_s, "badges_bytes": badge_bytes,
        "server_log_tail": "\n".join(server_log.strip().splitlines()[-30:]) if failed else "",
    }


def verify_check_ins(database_url: str, event: common.BenchEvent) -> dict:
    with psycopg.connect(common._plain_url(database_url)) as conn:
        rows = conn.execute(
            "SELECT r.id, count(c.id) FROM registration r LEFT JOIN check_in c"
            " ON c.registration_id = r.id AND c.undone_at IS NULL AND c.track_id IS NULL"
            " WHERE r.event_id = %s GROUP BY r.id", (event.id,)
        ).fetchall()
    counts = Counter(count for _, count in rows)
    return {"attendees": len(rows), "with_one": counts.get(1, 0),
            "without": counts.get(0, 0), "with_more": sum(v for k, v in counts.items() if k > 1)}


# --- in process -------------------------------------------------------------------------------

def run_in_process(app, event: common.BenchEvent, attendees) -> dict:
    from sqlalchemy import event as sa_event

    from eventapp.extensions import db
    from eventapp.models import Event, utcnow
    from eventapp.services.checkin import badges
    from eventapp.services.checkin.check_ins import Scanner, check_in

    statements = []

    def count(*_):
        statements.append(1)

    def scan_all(tag: str, expected: str) -> tuple[list[float], list[int], int]:
        seconds, sent, wrong = [], [], 0
        for registration_id, code in attendees:
            with app.test_request_context("/api/checkin", method="POST"):
                target = db.session.get(Event, event.id)
                target.tracks  # noqa: B018  (a request has its event before scanning; not timed)
                statements.clear()
                t0 = time.perf_counter()
                scan_id = f"{tag}-{registration_id}"
                result = check_in(db.session, target, Scanner(), utcnow(), scan_id=scan_id, code=code)
                db.session.commit()
                seconds.append(time.perf_counter() - t0)
                sent.append(len(statements))
                wrong += result.result != expected
        return seconds, sent, wrong

    with app.app_context():
        sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        first_s, first_sql, first_wrong = scan_all("first", "welcome")
        again_s, again_sql, again_wrong = scan_all("again", "already")
    finally:
        with app.app_context():
            sa_event.remove(db.engine, "before_cursor_execute", count)

    with app.test_request_context():
        target = db.session.get(Event, event.id)
        t0 = time.perf_counter()
        chosen = badges.badge_registrations(db.session, target)
        query_s = time.perf_counter() - t0
        badges.badges_pdf(chosen[:8], "a4")  # fonts loaded, caches warm: as in a running process
        timings = {}
        for layout in ("a4", "a6"):
            t0 = time.perf_counter()
            document = badges.badges_pdf(chosen, layout)
            timings[layout] = (time.perf_counter() - t0, len(document))
        db.session.remove()
    return {
        "first_ms": common.summary_ms(first_s), "again_ms": common.summary_ms(again_s),
        "first_statements": sum(first_sql) / len(first_sql), "again_statements": sum(again_sql) / len(again_sql),
        "wrong_answers": first_wrong + again_wrong, "badges": len(chosen), "badge_query_s": query_s,
        "a4_s": timings["a4"][0], "a4_bytes": timings["a4"][1], "a6_s": timings["a6"][0], "a6_bytes": timings["a6"][1],
    }


# --- the run ----------------------------------------------------------------------------------

def main(argv=None) -> int:
    args = parse_args(argv)
    run = uuid.uuid4().hex[:6]
    with common.bench_database(args.database_url) as database_url:
        app = common.make_app(database_url)
        common.migrate(app)
        directory = common.load_directory(app)
        big = 100_000
        http_event = common.create_event(app, capacity=big, track_capacities=(big,) * 4)
        warm_event = common.create_event(app, capacity=big, track_capacities=(big,) * 4)
        local_event = common.create_event(app, capacity=big, track_capacities=(big,) * 4)
        attendees = add_attendees(app, http_event, args.attendees, directory, run)
        warm_attendees = add_attendees(app, warm_event, args.warmup, directory, run + "w")
        local_attendees = add_attendees(app, local_event, args.attendees, directory, run + "l")
        links = make_links(app, http_event, args.scanners)
        [warm_link] = make_links(app, warm_event, 1)
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()

        organiser = make_organiser(app)
        web = run_http(args, database_url, http_event, warm_event, attendees, warm_attendees, links, warm_link,
                       organiser)
        stored = verify_check_ins(database_url, http_event)
        local = run_in_process(app, local_event, local_attendees)
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()

    share = web["per_second"] / web["healthz_per_second"] if web["healthz_per_second"] else 0.0
    badges_scaled = local["a4_s"] * GOAL_BADGES_COUNT / max(local["badges"], 1)
    met = common.met
    common.print_table(
        f"Check-in through HTTP: {web['scans']} scans ({args.attendees} first, {args.repeat} repeated) from "
        f"{args.scanners} devices, gunicorn --workers {args.workers}, {os.cpu_count()} cores",
        [
            ("check-ins a second", f"{web['per_second']:,.0f}   ({web['answered']} answered in {web['wall_s']:.2f} s)"),
            ("server time  p50 / p95", fmt_ms(web["server_ms"]) + f"   (goal p95 <= {GOAL_P95_MS:.0f} ms: "
                                                                  f"{met(web['server_ms']['p95'] <= GOAL_P95_MS)})"),
            ("device sees  p50 / p95", fmt_ms(web["latency_ms"]) + "   (queueing for a worker included)"),
            ("answers", ", ".join(f"{k} {v}" for k, v in sorted(web["results"].items()))),
            ("HTTP statuses", ", ".join(f"{k} {v}" for k, v in sorted(web["statuses"].items()))),
            (f"GET badges.pdf, A4, {args.attendees} badges",
             f"{web['badges_s']:.2f} s   ({web['badges_bytes'] / 1e6:.1f} MB, HTTP {web['badges_status']}: "
             "the query, the PDF, marking them printed; sign-in not counted)"),
        ],
    )
    common.print_table(f"Reference: GET /healthz (the same stack: one SELECT 1, no template), {args.scanners} clients", [
        ("requests a second", f"{web['healthz_per_second']:,.0f}"),
        ("server time  p50 / p95", fmt_ms(web["healthz_server_ms"])),
        ("client sees  p50 / p95", fmt_ms(web["healthz_latency_ms"])),
        ("check-ins vs. bare requests", f"{share * 100:.1f} %   (goal >= {GOAL_SHARE_OF_BARE * 100:.0f} %: "
                                        f"{met(share >= GOAL_SHARE_OF_BARE)})"),
    ])
    common.print_table("Checks in the database", [
        ("attendees with exactly one check-in", f"{stored['with_one']} of {stored['attendees']}"),
        ("without / with more than one", f"{stored['without']} / {stored['with_more']}"),
        ("wrong answers (HTTP, in process)", f"{web['wrong_answers']}, {local['wrong_answers']}"),
    ])
    common.print_table(f"In process, per attendee ({args.attendees} attendees; {REFERENCE})", [
        ("check-in, first scan (+ commit)", fmt_ms(local["first_ms"]) + f"   {local['first_statements']:.1f} statements"
                                            f"   (goal mean <= {GOAL_SCAN_MS:.0f} ms: "
                                            f"{met(local['first_ms']['mean'] <= GOAL_SCAN_MS)})"),
        ("check-in, repeated scan", fmt_ms(local["again_ms"]) + f"   {local['again_statements']:.1f} statements"),
        ("badges, one per A6 page", f"{local['a6_s'] / max(local['badges'], 1) * 1000:.2f} ms a badge   "
                                    f"({local['a6_s']:.2f} s, {local['a6_bytes'] / 1e6:.1f} MB)"),
        ("badges, A4 eight to a sheet", f"{local['a4_s'] / max(local['badges'], 1) * 1000:.2f} ms a badge   "
                                        f"({local['a4_s']:.2f} s, {local['a4_bytes'] / 1e6:.1f} MB)"),
        (f"one A4 PDF of {GOAL_BADGES_COUNT} badges", f"{badges_scaled:.2f} s   (goal <= {GOAL_BADGES_S:.0f} s: "
                                                     f"{met(badges_scaled <= GOAL_BADGES_S)}; the badges' query "
                                                     f"{local['badge_query_s'] * 1000:.0f} ms more)"),
    ])

    failures = []
    if web["badges_status"] != 200 or not web["badges_bytes"]:
        failures.append(f"the badges' PDF was answered {web['badges_status']}, {web['badges_bytes']} bytes")
    if web["failed"]:
        failures.append(f"{web['failed']} scans failed or got no answer ({web['statuses']})")
    if web["wrong_answers"] or local["wrong_answers"]:
        failures.append(f"{web['wrong_answers'] + local['wrong_answers']} wrong answers")
    if stored["with_one"] != stored["attendees"]:
        failures.append(f"{stored['without']} attendees without a check-in, {stored['with_more']} with more than one")
    if web["server_log_tail"]:
        print(f"\ngunicorn's log (last lines):\n{web['server_log_tail']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "attendees": args.attendees, "scanners": args.scanners, "workers": args.workers, "cores": os.cpu_count(),
            "http": {k: v for k, v in web.items() if k != "server_log_tail"}, "share_of_bare": share,
            "database": stored, "in_process": local, "a4_600_badges_s": badges_scaled, "failures": failures,
        }, indent=2, default=str))
    if failures:
        print("\nFAILED: " + "; ".join(failures))
        return 1
    print("\nOK: every badge checked in exactly once, every answer as expected, no 5xx.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
