"""eventapp: events of the Memorandum Council (NGOs and the Cabinet of Ministers of Latvia)."""
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from . import observability, security
from .config import PROJECT_ROOT, Config, load_secret_key
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .languages import babel_locale


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.from_mapping(config)
    elif config is not None:
        app.config.from_object(config)
    configure_defaults(app)
    configure_logging(app)
    observability.init_app(app)
    if app.config.get("PROXY_COUNT"):
        # Behind a reverse proxy: the client's address and scheme come from its headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"])
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    from .cli import register_commands

    register_commands(app)
    observability.log_command_runs(app)
    register_shell_context(app)
    return app


LOG_FORMAT = observability.TEXT_FORMAT


def configure_logging(app: Flask) -> None:
    """Every logger of the package (the app's own, `eventapp.services.*`) writes one line per
    entry to standard error (JSON in production): request errors, mail that fails, each run of
    a command. Messages name rows by id and requests by endpoint, never a person's name, address
    or secret link (`observability`)."""
    observability.configure_logging(app)


def register_shell_context(app: Flask) -> None:
    """`flask shell` starts with the database and the models at hand."""
    from . import models

    @app.shell_context_processor
    def shell_context():
        return {"db": db, "models": models, **{name: getattr(models, name) for name in models.__all__}}


def configure_defaults(app: Flask) -> None:
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        if app.config.get("PRODUCTION"):
            raise RuntimeError("SECRET_KEY must be set in production")
        app.config["SECRET_KEY"] = load_secret_key(instance)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'eventapp.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(instance / "uploads")
    app.config.setdefault("MAIL_FOLDER", str(instance / "mail"))


def normalise_database_url(url: str) -> str:
    """`postgresql://` URLs (as hosting platforms give them) use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.user_loader(load_user)
    security.init_app(app)

    from . import models  # noqa: F401  (registers the tables)


def select_locale() -> str:
    """Latvian unless the visitor chose English (written the European way: 3 September 2025)."""
    return babel_locale(session.get("lang") if has_request_context() else None)


def load_user(user_id: str):
    from .models import User

    raw_id, _, version = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or str(user.session_version) != version:
        return None
    return user


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .auth.routes import bp as auth_bp
    from .checkin.routes import bp as checkin_bp
    from .checkin_api.routes import bp as checkin_api_bp
    from .feedback import bp as feedback_bp
    from .health import bp as health_bp
    from .join import bp as join_bp
    from .my_registration import bp as my_registration_bp
    from .public.routes import bp as public_bp
    from .registration.routes import bp as registration_bp
    from .unsubscribe import bp as unsubscribe_bp
    from .working_groups import bp as working_groups_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(my_registration_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(checkin_api_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(join_bp)
    app.register_blueprint(unsubscribe_bp)
    app.register_blueprint(working_groups_bp)


def register_errorhandlers(app: Flask) -> None:
    from flask import abort, render_template
    from flask_wtf.csrf import CSRFError

    @app.before_request
    def refuse_nul_characters():
        """A NUL in the path or query is never typed by a person; the database would refuse it."""
        if "\x00" in request.path or any("\x00" in k + v for k, v in request.args.items(multi=True)):
            abort(400)

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code == 500:
            db.session.rollback()  # a failed statement leaves the session unusable for the error page
        if request.path.startswith("/api/"):
            # Scripts and the check-in page read JSON, also where no route answers.
            return {"error": code, "message": getattr(error, "name", "Error")}, code
        return render_template("errors/error.html", code=code, error=error), code

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, render_error)
    app.register_error_handler(
        CSRFError, lambda e: (render_template("errors/csrf.html", error=e), 400)
    )


def register_template_helpers(app: Flask) -> None:
    from . import formatting, labels
    from .models import (
        AttendanceMode,
        DelegationStatus,
        EventKind,
        EventStatus,
        RegistrationStatus,
        Sector,
        SummaryStatus,
        UserRole,
    )
    from .permissions import can
    from .services.coverage.track_coverage import Coverage
    from .services.registration.registration_state import State
    from .services.remote.joins import join_links

    app.jinja_env.globals["can"] = can
    # Templates compare with members, never with their stored strings: `event.status == EventStatus.DRAFT`.
    enums = (AttendanceMode, DelegationStatus, EventKind, EventStatus, RegistrationStatus, Sector, SummaryStatus,
             UserRole, Coverage, State)
    app.jinja_env.globals.update({enum_class.__name__: enum_class for enum_class in enums})
    app.jinja_env.filters["label"] = labels.label
    app.jinja_env.filters["riga_date"] = formatting.riga_date
    app.jinja_env.filters["calendar_date"] = formatting.calendar_date
    app.jinja_env.filters["riga_time"] = formatting.riga_time
    app.jinja_env.filters["riga_datetime"] = formatting.riga_datetime
    app.jinja_env.filters["time_range"] = formatting.time_range
    app.jinja_env.filters["until_date"] = formatting.until_date
    app.jinja_env.globals["join_links"] = join_links

    @app.context_processor
    def inject_locale():
        from flask_babel import get_locale

        return {"locale": get_locale().language, "current_user": current_user, "request": request}
