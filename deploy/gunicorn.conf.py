"""gunicorn's settings for eventapp (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

Threads per worker let a slow download (an export, the summaries' PDF) wait without holding
a whole process. No access log: paths carry private links (nginx logs requests without them).
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
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
