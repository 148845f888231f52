"""gunicorn's settings for eventapp (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

Sync workers, two per core: a request is short and mostly CPU, and registrations for one event
take turns on the event's lock. Measured with `python -m bench.burst` on 2 cores (two servers
of two workers): sync workers took 4,273 registrations a minute with a POST p95 of 483 ms and
0.6 sessions waiting for the lock; 4 threads a worker took 3,776 a minute, p95 853 ms and 9.4
waiting: a thread holding the lock waits for the interpreter while its neighbours render pages.
Slow clients cost no worker: nginx buffers requests and answers (deploy/nginx-eventapp-proxy.conf).
No access log: paths carry private links (nginx logs requests without them).
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 2))))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 120
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # a worker is replaced now and then; memory never creeps
max_requests_jitter = 500
accesslog = None
errorlog = "-"
forwarded_allow_ips = "127.0.0.1,::1"
if os.environ.get("RUNTIME_DIRECTORY"):  # systemd's RuntimeDirectory= (/run/eventapp)
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"], "gunicorn.ctl")


def child_exit(server, worker):
    """With Prometheus in multiprocess mode, a finished worker's live gauges are dropped."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
