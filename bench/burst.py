"""A registration burst through HTTP: gunicorn, PostgreSQL, real forms with cookies and CSRF.

    python -m bench.burst --requests 500 --concurrency 50 --servers 2 --workers 2

Starts `--servers` gunicorn servers (production's settings, deploy/gunicorn.conf.py) on free
local ports against a fresh database, sharing it and Redis (for the rate limits) as servers on
several machines would, then lets `--concurrency` clients register `--requests` distinct people
for one event (capacity 90, four tracks of 25/25/20/20), each as a browser would: GET the form
(session cookie and CSRF token) from one server, POST it to the next, expect 302 to
/events/<slug>/register/sent (the redirect itself is not followed). Afterwards it checks the database (no seat oversold, a message in the
outbox for every registration), and measures the bare stack for reference: as many
`GET /healthz` at the same concurrency. Exits non-zero when a seat was oversold, a
message or a registration is missing, or the server answered 5xx (or not at all).
"""
import argparse
import http.client
import json
import os
import queue
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg

from . import common

TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


# --- a minimal browser ----------------------------------------------------------------

class Browser:
    """One visitor: its own cookies; a new connection per request (gunicorn's sync workers close it)."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict[str, str], str]:
        headers = {
            "User-Agent": "eventapp-bench/1",
            "Accept": "text/html,application/xhtml+xml",
            "Accept-Language": "lv,en;q=0.8",
        }
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{self.host}:{self.port}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, dict(response.headers), data.decode("utf-8", "replace")
        finally:
            conn.close()


@dataclass
class Outcome:
    index: int
    get_status: int | None = None
    post_status: int | None = None
    get_s: float | None = None
    post_s: float | None = None
    pair_s: float | None = None
    error: str = ""
    no_answer: bool = False  # the connection failed or timed out


def register_once(browser: Browser, event: common.BenchEvent, person: common.Attendee,
                  post_port: int | None = None) -> Outcome:
    """GET the form and POST it, as a browser; with `post_port`, the POST goes to that server (what a
    load balancer may do: the session and its CSRF token must hold on any server)."""
    outcome = Outcome(index=person.track_index)
    path = f"/events/{event.slug}/register"
    try:
        t0 = time.perf_counter()
        outcome.get_status, _, page = browser.request("GET", path)
        t1 = time.perf_counter()
        outcome.get_s = t1 - t0
        if outcome.get_status != 200:
            outcome.error = f"GET answered {outcome.get_status}"
            return outcome
        match = TOKEN.search(page)
        if not match:
            outcome.error = "no CSRF token in the form"
            return outcome
        slot_field = f"slot_{event.slot_id}"
        if f'name="{slot_field}"' not in page:
            outcome.error = f"no {slot_field} in the form"
            return outcome
        form = {
            "csrf_token": match.group(1),
            "full_name": person.full_name,
            "email": person.email,
            "sector": person.sector,
            "organisation": person.organisation,
            "position": "",
            "attendance_mode": person.attendance_mode,
            slot_field: str(event.track_ids[person.track_index % len(event.track_ids)]),
            "access_needs": "",
            "dietary_needs": "",
            "consent_data": "y",
            "language": person.language,
        }
        if post_port is not None:
            browser.port = post_port
        t2 = time.perf_counter()
        outcome.post_status, headers, _ = browser.request("POST", path, form)
        t3 = time.perf_counter()
        outcome.post_s, outcome.pair_s = t3 - t2, t3 - t0
        if outcome.post_status != 302:
            outcome.error = f"POST answered {outcome.post_status}"
        elif not headers.get("Location", "").endswith(f"/events/{event.slug}/register/sent"):
            outcome.error = f"POST redirected to {headers.get('Location')!r}"
    except (OSError, http.client.HTTPException) as error:
        outcome.error = f"{type(error).__name__}: {error}"
        outcome.no_answer = True
    return outcome


def run_concurrently(jobs: list, concurrency: int, work) -> tuple[list, float, float]:
    """Run `work(job)` for every job from `concurrency` threads; (results, wall seconds, client CPU seconds)."""
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    results: list = []
    start_gate = threading.Barrier(concurrency + 1)

    def worker():
        start_gate.wait()
        while True:
            try:
                job = todo.get_nowait()
            except queue.Empty:
                return
            results.append(work(job))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    cpu0 = time.process_time()
    start_gate.wait()
    t0 = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - t0, time.process_time() - cpu0


# --- the server -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command() -> list[str]:
    local = Path(sys.executable).with_name("gunicorn")
    return [str(local)] if local.exists() else [sys.executable, "-m", "gunicorn"]


PRODUCTION_CONFIG = common.PROJECT_ROOT / "deploy" / "gunicorn.conf.py"


def start_gunicorn(database_url: str, workers: int, port: int, log_path: Path, *,
                   worker_class: str | None = None, threads: int | None = None, extra_env: dict | None = None
                   ) -> subprocess.Popen:
    """gunicorn with production's settings (deploy/gunicorn.conf.py), `workers` processes on `port`;
    `worker_class` and `threads` override the file's."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "PYTHONUNBUFFERED": "1", **(extra_env or {})})
    env.pop("MAIL_SERVER", None)
    env.pop("RUNTIME_DIRECTORY", None)
    command = gunicorn_command() + [
        "-c", str(PRODUCTION_CONFIG), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning",
    ]
    if worker_class:
        command += ["--worker-class", worker_class]
    if threads:
        command += ["--threads", str(threads)]
    log = open(log_path, "wb")
    try:
        return subprocess.Popen(command + ["wsgi:app"], cwd=common.PROJECT_ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    finally:
        log.close()


def wait_until_healthy(process: subprocess.Popen, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before answering")
        try:
            status, _, _ = Browser("127.0.0.1", port, 2).request("GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- where the CPU went (Linux /proc; best effort) ----------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def cpu_snapshot(master_pids: list[int]) -> dict[str, dict[int, float]]:
    """CPU seconds so far, by pid, of the gunicorn servers (masters and workers) and of all PostgreSQL
    processes (a read-only look at /proc)."""
    snapshot: dict[str, dict[int, float]] = {"gunicorn": {}, "postgres": {}}
    for master_pid in master_pids:
        try:
            children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        except OSError:
            children = []
        for pid in [master_pid, *map(int, children)]:
            snapshot["gunicorn"][pid] = _cpu_seconds(pid)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    snapshot["postgres"][int(entry.name)] = _cpu_seconds(int(entry.name))
            except OSError:
                pass
    return snapshot


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds between the snapshots (a process that ended in between is not counted)."""
    return {
        group: sum(max(seconds - before[group].get(pid, 0.0), 0.0) for pid, seconds in after[group].items())
        for group in before
    }


class LockWatcher:
    """Samples pg_stat_activity of the bench database: how many backends wait for a lock (the
    event's row lock: registrations of one event take turns), how many are running a statement."""

    def __init__(self, database_url: str, interval: float = 0.1):
        self.url, self.interval = common._plain_url(database_url), interval
        self.samples: list[tuple[int, int]] = []
        self.backend_pid: int | None = None  # its own backend, left out of the CPU figures
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            with psycopg.connect(self.url, autocommit=True) as conn:
                self.backend_pid = conn.info.backend_pid
                while not self._stop.is_set():
                    waiting, running = conn.execute(
                        "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),"
                        " count(*) FILTER (WHERE state = 'active' AND wait_event_type IS DISTINCT FROM 'Lock')"
                        " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        " AND backend_type = 'client backend'"
                    ).fetchone()
                    self.samples.append((waiting, running))
                    self._stop.wait(self.interval)
        except psycopg.Error:
            pass

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        waiting = statistics.fmean(w for w, _ in self.samples)
        running = statistics.fmean(r for _, r in self.samples)
        return (f"{waiting:.2f} waiting for a lock, {running:.2f} running a statement "
                f"(means of {len(self.samples)} samples)")


# --- the run --------------------------------------------------------------------------

def fmt_ms(summary: dict[str, float]) -> str:
    return f"{summary['p50']:7.1f} / {summary['p95']:7.1f} ms   (mean {summary['mean']:.1f}, max {summary['max']:.1f})"


def cpu_line(server: dict[str, float], client: float, count: int, wall: float) -> str:
    """Milliseconds of CPU per unit of work, by process, and how busy the machine's cores were."""
    total = server["gunicorn"] + server["postgres"] + client
    cores = os.cpu_count() or 1
    return (f"gunicorn {server['gunicorn'] / count * 1000:.1f} ms, PostgreSQL {server['postgres'] / count * 1000:.1f} ms, "
            f"load generator {client / count * 1000:.1f} ms   (cores busy {total / (wall * cores) * 100:.0f} %)")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.burst", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="registrations in the burst (default %(default)s)")
    parser.add_argument("--concurrency", type=int, default=50, help="clients at the same time (default %(default)s)")
    parser.add_argument("--servers", type=int, default=2,
                        help="gunicorn servers on as many ports, sharing PostgreSQL and Redis; each visitor GETs "
                             "the form from one and POSTs it to the next (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of each server (default %(default)s)")
    parser.add_argument("--worker-class", default=None,
                        help="gunicorn worker class (default: deploy/gunicorn.conf.py's, sync)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: the config file's)")
    parser.add_argument("--warmup", type=int, default=40,
                        help="registrations for another event before the burst, not counted (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a client waits for an answer")
    parser.add_argument("--startup-timeout", type=float, default=30, help="seconds to wait for gunicorn")
    parser.add_argument("--json", type=Path, help="also write the figures to this file (e.g. bench/results/burst.json)")
    common.add_database_argument(parser)
    args = parser.parse_args(argv)
    if min(args.requests, args.concurrency, args.workers, args.servers) < 1:
        parser.error("--requests, --concurrency, --servers and --workers must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    run = uuid.uuid4().hex[:6]
    log_path = Path(tempfile.mkstemp(prefix="eventapp-bench-gunicorn-", suffix=".log")[1])
    processes: list[subprocess.Popen] = []
    threads = f", {args.threads} threads" if args.threads else ""
    server_words = (f"{args.servers} gunicorn server{'s' if args.servers > 1 else ''} of {args.workers} "
                    f"{args.worker_class or 'sync'} workers{threads}")
    with common.bench_database(args.database_url) as database_url:
        try:
            app = common.make_app(database_url)
            common.migrate(app)
            directory = common.load_directory(app)
            event = common.create_event(app, capacity=90, track_capacities=(25, 25, 20, 20))
            warmup_event = common.create_event(app, capacity=10, track_capacities=(3, 3, 2, 2))
            with app.app_context():  # the benchmark's own connections are not needed any more
                app.extensions["sqlalchemy"].engine.dispose()
            app = None

            # Rate limits are counted in Redis, as production counts them across processes and machines.
            shared = {"RATELIMIT_STORAGE_URI": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")}
            ports = [free_port() for _ in range(args.servers)]
            for port in ports:
                processes.append(start_gunicorn(database_url, args.workers, port, log_path, extra_env=shared,
                                                worker_class=args.worker_class, threads=args.threads))
            try:
                for process, port in zip(processes, ports):
                    wait_until_healthy(process, port, args.startup_timeout)
            except RuntimeError:
                for process in processes:
                    stop_gunicorn(process)
                print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
                raise
            masters = [process.pid for process in processes]
            print(f"{server_words} on 127.0.0.1:{'/'.join(map(str, ports))}; event /events/{event.slug} "
                  f"(capacity {event.capacity}, tracks {'/'.join(map(str, event.track_capacities))})")

            def register(i: int, target: common.BenchEvent, tag: str) -> Outcome:
                person = common.attendee(i, directory, f"{run}{tag}")
                get_port, post_port = ports[i % len(ports)], ports[(i + 1) % len(ports)]
                return register_once(Browser("127.0.0.1", get_port, args.timeout), target, person, post_port)

            if args.warmup:
                warm, _, _ = run_concurrently(list(range(args.warmup)), min(args.concurrency, args.workers * 2),
                                              lambda i: register(i, warmup_event, "w"))
                failed = [o for o in warm if o.error]
                if failed:
                    print(f"warning: {len(failed)} of {len(warm)} warm-up registrations failed, e.g. {failed[0].error}")

            print(f"burst: {args.requests} registrations from {args.concurrency} clients ...", flush=True)
            cpu_before = cpu_snapshot(masters)
            with LockWatcher(database_url) as lock_watch:
                outcomes, wall, client_cpu = run_concurrently(
                    list(range(args.requests)), args.concurrency, lambda i: register(i, event, "")
                )
            cpu_after = cpu_snapshot(masters)
            cpu_after["postgres"].pop(lock_watch.backend_pid, None)
            server_cpu = cpu_used(cpu_before, cpu_after)
            check = common.verify(database_url, event)

            print(f"reference: {args.requests} x GET /healthz from {args.concurrency} clients ...", flush=True)

            def health(i):
                t0 = time.perf_counter()
                try:
                    status, _, _ = Browser("127.0.0.1", ports[i % len(ports)], args.timeout).request("GET", "/healthz")
                except (OSError, http.client.HTTPException):
                    status = None
                return status, time.perf_counter() - t0

            cpu_before = cpu_snapshot(masters)
            health_results, health_wall, health_cpu = run_concurrently(
                list(range(args.requests)), args.concurrency, health
            )
            health_server_cpu = cpu_used(cpu_before, cpu_snapshot(masters))
        finally:
            for process in processes:
                stop_gunicorn(process)
        server_log = log_path.read_text(errors="replace")
    log_path.unlink(missing_ok=True)

    # --- figures ---
    registered = [o for o in outcomes if o.post_status == 302 and not o.error]
    posts_answered = [o for o in outcomes if o.post_status is not None]
    per_minute = len(registered) / wall * 60
    post_ms = common.summary_ms([o.post_s for o in posts_answered])
    get_ms = common.summary_ms([o.get_s for o in outcomes if o.get_s is not None])
    pair_ms = common.summary_ms([o.pair_s for o in posts_answered])
    errors = [o for o in outcomes if o.error]
    server_errors = [o for o in outcomes if (o.get_status or 0) >= 500 or (o.post_status or 0) >= 500]
    no_answer = [o for o in outcomes if o.no_answer]
    non_302 = [o for o in outcomes if o.get_status == 200 and o.post_status is not None and o.post_status != 302]
    health_ok = [s for s, _ in health_results if s == 200]
    health_per_minute = len(health_ok) / health_wall * 60
    health_ms = common.summary_ms([t for s, t in health_results if s is not None])
    lost_registrations = max(len(registered) - check.registrations, 0)
    worker_cpu_ms = server_cpu["gunicorn"] / max(len(outcomes), 1) * 1000

    common.print_table(
        f"Burst: {args.requests} registrations (GET form + POST), {args.concurrency} clients, "
        f"{server_words}, {os.cpu_count()} cores",
        [
            ("wall time", f"{wall:.2f} s"),
            ("registrations a minute", f"{per_minute:,.0f}   (goal >= {common.GOAL_REGISTRATIONS_PER_MINUTE:,}: "
                                       f"{common.met(per_minute >= common.GOAL_REGISTRATIONS_PER_MINUTE)})"),
            ("worker CPU per registration", f"{worker_cpu_ms:.1f} ms   (goal <= {common.GOAL_WORKER_CPU_MS:g} ms: "
                                            f"{common.met(worker_cpu_ms <= common.GOAL_WORKER_CPU_MS)})"),
            ("POST        p50 / p95", fmt_ms(post_ms) + f"   (goal p95 < {common.GOAL_POST_P95_MS:g} ms: "
                                                          f"{common.met(post_ms['p95'] < common.GOAL_POST_P95_MS)})"),
            ("GET form    p50 / p95", fmt_ms(get_ms)),
            ("GET + POST  p50 / p95", fmt_ms(pair_ms)),
            ("CPU per registration", cpu_line(server_cpu, client_cpu, len(outcomes), wall)),
            ("database sessions of the workers", lock_watch.summary()),
        ],
    )
    common.print_table("Checks in the database", [
        ("registrations stored", f"{check.registrations}   (302 answers: {len(registered)})"),
        ("confirmed / waitlisted", f"{check.confirmed} / {check.waitlisted}   "
                                   f"(in-person seats taken {check.in_person_seated} of {event.capacity})"),
        ("seats oversold (goal 0)", f"{check.oversold}   (event {check.oversold_event}, tracks "
                           f"{'/'.join(str(v) for v in check.oversold_tracks.values())})"),
        ("registrations without a message (goal 0)", str(check.without_message)),
        ("registrations answered 302 but not stored", str(lost_registrations)),
        ("HTTP errors (goal 0 5xx)", f"{len(errors)}   (non-302 POST {len(non_302)}, 5xx {len(server_errors)}, "
                        f"no answer {len(no_answer)})"),
    ])
    if errors:
        print("  first errors: " + "; ".join(sorted({o.error for o in errors})[:5]))
    common.print_table(f"Reference: {args.requests} x GET /healthz (Flask + gunicorn + one SELECT 1, no template), {args.concurrency} clients", [
        ("requests a minute", f"{health_per_minute:,.0f}   ({len(health_ok)} answered 200 in {health_wall:.2f} s)"),
        ("latency p50 / p95", fmt_ms(health_ms)),
        ("CPU per request", cpu_line(health_server_cpu, health_cpu, len(health_results), health_wall)),
        ("registrations vs. bare requests", f"{per_minute / health_per_minute * 100:.1f} % "
                                            "(a registration is two requests: 50 % would be the ceiling)"),
    ])

    failures = []
    if check.oversold:
        failures.append(f"{check.oversold} seats oversold")
    if check.without_message:
        failures.append(f"{check.without_message} registrations without a message")
    if lost_registrations:
        failures.append(f"{lost_registrations} registrations answered 302 but not stored")
    if server_errors or no_answer:
        failures.append(f"{len(server_errors)} answers 5xx, {len(no_answer)} requests without an answer")
    if server_errors or no_answer or len(health_ok) < len(health_results):
        tail = "\n".join(server_log.strip().splitlines()[-30:])
        if tail:
            print(f"\ngunicorn's log (last lines):\n{tail}")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "requests": args.requests, "concurrency": args.concurrency, "servers": args.servers,
            "workers": args.workers, "worker_class": args.worker_class or "sync", "threads": args.threads,
            "worker_cpu_ms": worker_cpu_ms,
            "cores": os.cpu_count(), "wall_s": wall, "registrations_per_minute": per_minute,
            "post_ms": post_ms, "get_ms": get_ms, "pair_ms": pair_ms,
            "cpu_s": server_cpu | {"load_generator": client_cpu},
            "healthz_per_minute": health_per_minute, "healthz_ms": health_ms,
            "check": asdict(check) | {"oversold": check.oversold},
            "http_errors": len(errors), "server_errors": len(server_errors), "failures": failures,
        }, indent=2, default=str))

    if failures:
        print("\nFAILED: " + "; ".join(failures))
        return 1
    print("\nOK: nothing oversold, every registration has its message, no 5xx.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
