"""What the factory sets up besides the routes: the log and the shell."""
import logging

from eventapp import LOG_FORMAT, create_app
from eventapp.config import TestConfig


def test_the_package_logs_one_line_per_entry_once_however_many_apps():
    create_app(TestConfig)
    create_app(TestConfig)
    ours = [h for h in logging.getLogger("eventapp").handlers if getattr(h, "eventapp", False)]
    assert len(ours) == 1 and ours[0].formatter._fmt == LOG_FORMAT


def test_a_service_logger_writes_through_the_package_handler(caplog):
    create_app(TestConfig)
    with caplog.at_level(logging.INFO, logger="eventapp"):
        logging.getLogger("eventapp.services.mail.outbox").info("outbox message %s will be retried", 7)
    assert ["outbox message 7 will be retried"] == [r.getMessage() for r in caplog.records]


def test_the_shell_has_the_database_and_the_models(app):
    with app.app_context():
        context = app.make_shell_context()
        assert context["db"].engine is not None
        assert context["Registration"].__tablename__ == "registration" and context["Event"].__tablename__ == "event"
