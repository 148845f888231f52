"""Instructions per registration and per check-in, counted by valgrind: a figure that does not move
when other work shares the machine.

    python -m bench.instructions --n 30

Timings on a small shared virtual machine move by 20 % and more from run to run; the number of
instructions a request executes hardly moves at all (`valgrind --tool=callgrind` counts them,
whatever else the machine is doing). This sets up a database as the other benchmarks do (the
directory of 577 organisations, an event with four tracks), then runs a worker process under
callgrind with counting off while it starts and warms up; counting is switched on
(`callgrind_control -i on`) for `--n` registrations (GET the form + POST it, through Flask's
test client, on PostgreSQL) and `--n` check-ins by badge, each counted separately. Only the
worker's own instructions are counted: PostgreSQL's are not. For comparison, the same worker
GETs `/healthz` `--n` times: the stack's floor for one request.

Needs valgrind (Debian's package; `make bench` installs it); takes about half a minute.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from . import common


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=30, help="registrations, check-ins and /healthz requests counted")
    parser.add_argument("--warmup", type=int, default=10, help="of each, before counting starts")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # the process under valgrind: a JSON setup
    common.add_database_argument(parser)
    return parser.parse_args(argv)


# --- the worker, under valgrind ---------------------------------------------------------

def _control(*command: str) -> None:
    """Tell callgrind something about this process (`-i on`, `--dump=x`); waits until it is done."""
    control = subprocess.Popen(["callgrind_control", *command, str(os.getpid())],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while control.poll() is None:  # callgrind answers only while this process runs code
        sum(range(1000))


def run_worker(setup: dict) -> None:
    from .profile import register

    event = common.BenchEvent(**setup["event"])
    directory = [tuple(pair) for pair in setup["directory"]]
    app = common.make_app(setup["database_url"])
    client = app.test_client()
    link = setup["link"]
    secrets = setup["secrets"]
    n, warmup = setup["n"], setup["warmup"]

    def checkin(secret: str) -> None:
        answer = client.post("/api/checkin", json={"event": setup["door_slug"], "code": secret, "scan_id": str(uuid.uuid4())},
                             headers={"X-Checkin-Link": link, "Accept": "application/json"})
        if answer.status_code != 200:
            raise SystemExit(f"check-in answered {answer.status_code}")

    def health() -> None:
        if client.get("/healthz").status_code != 200:
            raise SystemExit("/healthz failed")

    for i in range(warmup):
        register(app, event, common.attendee(i, directory, "w" + setup["run"]))
        checkin(secrets[i])
        health()
    form_path = f"/events/{event.slug}/register"
    phases = [
        ("form", lambda i: app.test_client().get(form_path, headers={"Accept-Language": "lv"})),
        ("registrations", lambda i: register(app, event, common.attendee(i, directory, setup["run"]))),
        ("checkins", lambda i: checkin(secrets[warmup + i])),
        ("healthz", lambda i: health()),
    ]
    for label, step in phases:
        _control("-i", "on")
        for i in range(n):
            step(i)
        _control("-i", "off")
        _control("--dump=" + label)
    from eventapp.extensions import db
    with app.app_context():
        db.engine.dispose()


# --- the parent -----------------------------------------------------------------------

def collected(path: Path) -> int:
    """The instructions counted in one callgrind dump (its `totals:` line)."""
    text = path.read_text(errors="replace")
    match = re.search(r"^totals:\s+(\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def seed_checkins(app, event: common.BenchEvent, count: int, directory, run: str) -> list[str]:
    from .checkin import add_attendees

    return [code for _, code in add_attendees(app, event, count, directory, run)]


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        run_worker(json.loads(Path(args.worker).read_text()))
        return 0
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    from .checkin import make_links

    run = uuid.uuid4().hex[:6]
    scratch = Path(tempfile.mkdtemp(prefix="eventapp-bench-callgrind-"))
    try:
        with common.bench_database(args.database_url) as database_url:
            app = common.make_app(database_url)
            from eventapp.extensions import db
            try:
                common.migrate(app)
                directory = common.load_directory(app)
                size = 2 * (args.n + args.warmup)
                event = common.create_event(app, capacity=size, track_capacities=common.split_capacity(size))
                door = common.create_event(app, capacity=size, track_capacities=common.split_capacity(size))
                secrets = seed_checkins(app, door, args.n + args.warmup, directory, run + "c")
                link = make_links(app, door, 1)[0]
            finally:
                with app.app_context():
                    db.engine.dispose()
            setup = {"database_url": database_url, "event": dict(event.__dict__), "directory": directory,
                     "run": run, "n": args.n, "warmup": args.warmup, "secrets": secrets, "link": link,
                     "door_slug": door.slug}  # registrations for one event, check-ins at the other
            (scratch / "setup.json").write_text(json.dumps(setup))
            out = scratch / "callgrind.out"
            command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                       sys.executable, "-m", "bench.instructions", "--worker", str(scratch / "setup.json")]
            print(f"counting instructions under valgrind: {args.n} registrations, check-ins and /healthz ...", flush=True)
            finished = subprocess.run(command, cwd=common.PROJECT_ROOT, capture_output=True, text=True)
            if finished.returncode != 0:
                print(finished.stdout[-2000:], finished.stderr[-4000:], file=sys.stderr)
                return 1
            dumps = sorted(scratch.glob("callgrind.out.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
            counts = [collected(path) for path in dumps[:4]]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if len(counts) < 4:
        print("callgrind wrote fewer dumps than expected", file=sys.stderr)
        return 1
    per = {label: count / args.n for label, count in zip(("form", "registrations", "checkins", "healthz"), counts)}
    common.print_table(f"Instructions in the worker process (callgrind; {args.n} of each, PostgreSQL's own not counted)", [
        ("per registration (GET + POST)", f"{per['registrations'] / 1e6:.1f} million"),
        ("  of which the GET of the form", f"{per['form'] / 1e6:.1f} million"),
        ("per check-in by badge", f"{per['checkins'] / 1e6:.2f} million"),
        ("per GET /healthz (the stack's floor)", f"{per['healthz'] / 1e6:.2f} million"),
        ("registration / healthz", f"{per['registrations'] / per['healthz']:.1f} requests' worth"),
    ])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"instructions_per": per, "n": args.n}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
