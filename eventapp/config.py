"""Configuration, read from the environment (and from a `.env` file in development)."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for running the app; every value can be overridden by an environment variable."""

    PRODUCTION = os.environ.get("FLASK_ENV") == "production" or _bool("EVENTAPP_PRODUCTION")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")  # of the package's loggers, written to standard error
    LOG_JSON = _bool("LOG_JSON", PRODUCTION)  # one JSON object per line (default in production)
    # Errors to Sentry (off unless set); without personal data (eventapp/observability.py).
    SENTRY_DSN = os.environ.get("SENTRY_DSN")
    SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "production" if PRODUCTION else "development")
    # /metrics for Prometheus: 404 unless enabled; then only from these networks (comma-separated)
    # and, when METRICS_TOKEN is set, with `Authorization: Bearer <token>` (eventapp/health.py).
    METRICS_ENABLED = _bool("METRICS_ENABLED")
    METRICS_ALLOWED_IPS = os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1/32,::1/128")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN")
    # /healthz gives up on a database that takes longer than this to answer `SELECT 1`.
    HEALTH_DB_TIMEOUT_MS = int(os.environ.get("HEALTH_DB_TIMEOUT_MS", "2000"))
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # default: SQLite in instance/
    # Connections are renewed after half an hour instead of pinged before each use: one
    # round trip less per request. A connection the server dropped fails one request.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": 1800}
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER")  # default: instance/uploads
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
    # Office files (ZIPs) are refused when all their parts unpack to more than this, when they have
    # more parts than this, or when a part of at least RATIO_FROM_KB unpacks to more than RATIO
    # times its packed size (real documents stay far below; zip bombs far above).
    UPLOAD_MAX_UNPACKED_MB = int(os.environ.get("UPLOAD_MAX_UNPACKED_MB", "100"))
    UPLOAD_MAX_ARCHIVE_MEMBERS = int(os.environ.get("UPLOAD_MAX_ARCHIVE_MEMBERS", "5000"))
    UPLOAD_MAX_PACKING_RATIO = int(os.environ.get("UPLOAD_MAX_PACKING_RATIO", "100"))
    UPLOAD_PACKING_RATIO_FROM_KB = int(os.environ.get("UPLOAD_PACKING_RATIO_FROM_KB", "1024"))

    BABEL_DEFAULT_LOCALE = "lv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Riga"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "eventapp" / "translations")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")  # none: messages are written to instance/mail/
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Memoranda padomes sekretariāts <sekretariats@memorandums.lv>"
    )
    # MAIL_SUPPRESS_SEND (default: on while TESTING) counts messages as sent without reaching MAIL_SERVER.

    # Who runs the service and is the controller of the personal data it holds, and how people reach
    # the secretariat: named in every page's footer, after registering and in the privacy notice.
    CONTROLLER_NAME = os.environ.get(
        "CONTROLLER_NAME",
        "Nevalstisko organizāciju un Ministru kabineta sadarbības memoranda īstenošanas padomes sekretariāts",
    )
    SECRETARIAT_EMAIL = os.environ.get("SECRETARIAT_EMAIL", "memorands@example.lv")

    # The address people reach the app at; links in mail and calendar files point here.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # Seconds between delivery attempts grow from this, doubling, up to MAIL_MAX_ATTEMPTS.
    MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS", "60"))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "10"))
    # The survey after an event goes out the next day at this hour, Riga time (`send-feedback-requests`).
    FEEDBACK_SEND_HOUR = int(os.environ.get("FEEDBACK_SEND_HOUR", "10"))
    # Hours before an event's start that its participants are reminded (sent by `send-reminders`).
    REMINDER_HOURS_BEFORE = int(os.environ.get("REMINDER_HOURS_BEFORE", "48"))
    # Minutes before an event's start that its remote participants' join links open (they close at its end).
    JOIN_OPENS_MINUTES_BEFORE = int(os.environ.get("JOIN_OPENS_MINUTES_BEFORE", "30"))

    # Months after an event ends before its registrations are anonymised, per event kind
    # (RETENTION_MONTHS_REGIONAL_SESSION=24 and so on); 12 where not set.
    RETENTION_MONTHS = {
        kind: int(os.environ[f"RETENTION_MONTHS_{kind.upper()}"])
        for kind in ("regional_session", "forum", "council_session", "online_meeting", "working_group_meeting")
        if os.environ.get(f"RETENTION_MONTHS_{kind.upper()}", "").isdigit()
    }

    # Sign-in attempts per client address and per account; counted in Redis in production
    # (several processes).
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute;50 per hour")
    SIGN_IN_ACCOUNT_RATE_LIMIT = os.environ.get("SIGN_IN_ACCOUNT_RATE_LIMIT", "5 per minute;30 per hour")
    RATELIMIT_STORAGE_URI = os.environ.get(
        "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0" if PRODUCTION else "memory://"
    )
    # With Redis unreachable, each process counts in its own memory (a warning is logged) and
    # tries Redis again from time to time: sign-in stays possible and limited, never a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
    RATELIMIT_HEADERS_ENABLED = True
    # The number of reverse proxies in front of the app (their X-Forwarded-* headers are trusted).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = PRODUCTION
    REMEMBER_COOKIE_SECURE = PRODUCTION
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_DAYS", "30")))
    WTF_CSRF_TIME_LIMIT = None  # a form left open at the door all morning still submits


class TestConfig(Config):
    TESTING = True
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # hashing well is slow on purpose; tests need speed
    SIGN_IN_RATE_LIMIT = "1000 per minute"  # the tests sign in often from one address
    SIGN_IN_ACCOUNT_RATE_LIMIT = "1000 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    PUBLIC_URL = "http://eventapp.test"
    PRODUCTION = False
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    LOG_JSON = False
    SENTRY_DSN = None
    METRICS_ENABLED = False
    METRICS_ALLOWED_IPS = "127.0.0.1/32,::1/128"
    METRICS_TOKEN = None


def load_secret_key(instance_path: Path) -> str:
    """Development only: a random key generated once and kept in instance/secret_key."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
