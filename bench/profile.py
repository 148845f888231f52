"""Where a registration's time goes inside the worker: the form GET and the POST, profiled.

    python -m bench.profile --n 200
    python -m bench.profile --n 200 --checkins 200

Runs the WSGI app in process, on PostgreSQL, through Flask's test client: each visitor has its
own cookies, GETs the registration form, takes the CSRF token, POSTs it and expects the 302,
exactly what `bench.burst` sends through gunicorn, without HTTP parsing and sockets. Prints the
milliseconds per GET and per POST, then cProfile's top functions by cumulative and own time,
and the same for check-ins by badge (`--checkins`). The profiler slows everything down; read
its figures as shares of the whole.
"""
import argparse
import cProfile
import io
import pstats
import time
import uuid

from . import common
from .burst import TOKEN

ROOT = common.PROJECT_ROOT


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="registrations profiled (default %(default)s)")
    parser.add_argument("--checkins", type=int, default=0, help="check-ins profiled afterwards (default none)")
    parser.add_argument("--warmup", type=int, default=20, help="registrations before profiling, not counted")
    parser.add_argument("--no-profile", action="store_true", help="only time the requests, without cProfile")
    parser.add_argument("--top", type=int, default=30, help="lines of each profile (default %(default)s)")
    common.add_database_argument(parser)
    return parser.parse_args(argv)


def form_for(page: str, event: common.BenchEvent, person: common.Attendee) -> dict:
    return {
        "csrf_token": TOKEN.search(page).group(1),
        "full_name": person.full_name, "email": person.email, "sector": person.sector,
        "organisation": person.organisation, "position": "", "attendance_mode": person.attendance_mode,
        f"slot_{event.slot_id}": str(event.track_ids[person.track_index % len(event.track_ids)]),
        "access_needs": "", "dietary_needs": "", "consent_data": "y", "language": person.language,
    }


def register(app, event: common.BenchEvent, person: common.Attendee, profiler=None) -> tuple[float, float, float]:
    """One visitor's GET + POST: the seconds of each, and the CPU seconds of both."""
    client = app.test_client()
    headers = {"Accept-Language": "lv,en;q=0.8"}
    path = f"/events/{event.slug}/register"
    if profiler:
        profiler.enable()
    cpu = time.process_time()
    t0 = time.perf_counter()
    page = client.get(path, headers=headers).get_data(as_text=True)
    t1 = time.perf_counter()
    answer = client.post(path, data=form_for(page, event, person), headers=headers)
    t2 = time.perf_counter()
    cpu = time.process_time() - cpu
    if profiler:
        profiler.disable()
    if answer.status_code != 302:
        raise SystemExit(f"POST answered {answer.status_code}")
    return t1 - t0, t2 - t1, cpu


def print_profile(title: str, profiler: cProfile.Profile, top: int) -> None:
    """The top functions by cumulative and by own time, then the project's own functions by cumulative time."""
    views = [("cumulative", (), True), ("tottime", (), True), ("cumulative", (r"eventapp/|templates/",), False)]
    for order, restrict, strip in views:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        if strip:
            stats.strip_dirs()
        stats.sort_stats(order).print_stats(*restrict, top)
        body = out.getvalue()
        what = "eventapp's own functions, " if restrict else ""
        print(f"\n{title}, {what}sorted by {order} (top {top}):")
        print(body[body.index("   ncalls"):].rstrip().replace(str(ROOT) + "/", ""))


def main(argv=None) -> int:
    args = parse_args(argv)
    run = uuid.uuid4().hex[:6]
    with common.bench_database(args.database_url) as database_url:
        app = common.make_app(database_url)
        from eventapp.extensions import db
        try:
            common.migrate(app)
            directory = common.load_directory(app)
            size = args.n + args.warmup
            event = common.create_event(app, capacity=size, track_capacities=common.split_capacity(size))
            for i in range(args.warmup):
                register(app, event, common.attendee(i, directory, run + "w"))
            profiler = None if args.no_profile else cProfile.Profile()
            gets, posts, cpus = [], [], []
            for i in range(args.n):
                get_s, post_s, cpu_s = register(app, event, common.attendee(i, directory, run), profiler)
                gets.append(get_s)
                posts.append(post_s)
                cpus.append(cpu_s)
            under = "" if profiler is None else ", under cProfile"
            common.print_table(f"{args.n} registrations in process (test client, PostgreSQL{under})", [
                ("GET form, ms", _fmt(gets)),
                ("POST, ms", _fmt(posts)),
                ("CPU of both, ms", _fmt(cpus)),
            ])
            if profiler is not None:
                print_profile(f"cProfile, {args.n} registrations (GET + POST)", profiler, args.top)
            if args.checkins:
                checkin_profile(app, directory, run, args)
        finally:
            with app.app_context():
                db.engine.dispose()
    return 0


def checkin_profile(app, directory, run: str, args) -> None:
    from .checkin import add_attendees, make_links

    door = common.create_event(app, capacity=args.checkins, track_capacities=common.split_capacity(args.checkins))
    codes = [code for _, code in add_attendees(app, door, args.checkins, directory, run + "c")]
    link = make_links(app, door, 1)[0]
    client = app.test_client()
    headers = {"X-Checkin-Link": link, "Accept": "application/json"}
    profiler = cProfile.Profile()
    seconds = []
    for code in codes:
        body = {"event": door.slug, "code": code, "scan_id": str(uuid.uuid4())}
        profiler.enable()
        t0 = time.perf_counter()
        answer = client.post("/api/checkin", json=body, headers=headers)
        seconds.append(time.perf_counter() - t0)
        profiler.disable()
        if answer.status_code != 200:
            raise SystemExit(f"check-in answered {answer.status_code}: {answer.get_data(as_text=True)[:200]}")
    common.print_table(f"{len(codes)} check-ins in process (under cProfile)", [("POST /api/checkin, ms", _fmt(seconds))])
    print_profile(f"cProfile, {len(codes)} check-ins", profiler, args.top)


def _fmt(seconds: list[float]) -> str:
    s = common.summary_ms(seconds)
    return f"mean {s['mean']:.2f}   p50 {s['p50']:.2f}   p95 {s['p95']:.2f}"


if __name__ == "__main__":
    raise SystemExit(main())
