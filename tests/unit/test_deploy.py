"""The files in deploy/ name commands and units that exist."""
import configparser
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import FlaskGroup, ScriptInfo

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
FLASK_COMMAND = re.compile(r"\bflask --app wsgi (\S+)")


def unit(path: Path) -> configparser.ConfigParser:
    """A systemd unit: an INI file whose keys may repeat (several ExecStart= in a oneshot)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None, dict_type=MultiDict)
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser


class MultiDict(dict):
    """Repeated keys keep every value, joined by newlines (configparser's multi-line form)."""

    def __setitem__(self, key, value):
        if key in self and isinstance(value, list) and isinstance(self[key], list):
            self[key].extend(value)
        else:
            super().__setitem__(key, value)


def exec_lines(path: Path) -> list[str]:
    service = unit(path)["Service"]
    return [line for key in ("ExecStartPre", "ExecStart") for line in service.get(key, "").splitlines() if line]


SERVICES = sorted(DEPLOY.glob("*.service"))
TIMERS = sorted(DEPLOY.glob("*.timer"))


def test_there_are_units_for_the_app_the_mail_sender_and_the_tasks():
    names = {path.name for path in SERVICES}
    assert {"eventapp.service", "eventapp-mail.service", "eventapp-reminders.service",
            "eventapp-daily.service"} <= names
    assert {path.name for path in TIMERS} == {"eventapp-reminders.timer", "eventapp-daily.timer"}


def flask_commands() -> list[str]:
    return sorted({match for path in SERVICES for line in exec_lines(path) for match in FLASK_COMMAND.findall(line)})


def test_the_tasks_run_every_command_they_should():
    assert {"send-mail", "send-reminders", "release-held-seats", "send-feedback-requests", "anonymise"} <= set(
        flask_commands()
    )


@pytest.mark.parametrize("command", flask_commands())
def test_each_flask_command_of_the_units_exists(app, command):
    """As `flask --app wsgi <command> --help` would run it (with Flask-Migrate's `db` and the rest)."""
    group = FlaskGroup(create_app=lambda: app)
    result = CliRunner().invoke(group, [command, "--help"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_a_command_that_does_not_exist_is_caught(app):
    group = FlaskGroup(create_app=lambda: app)
    result = CliRunner().invoke(group, ["send-pigeons", "--help"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code != 0


def test_the_web_service_runs_gunicorn_on_wsgi_app_with_the_config_in_deploy():
    (start,) = exec_lines(DEPLOY / "eventapp.service")[-1:]
    assert re.search(r"/gunicorn -c \S+/deploy/gunicorn\.conf\.py wsgi:app$", start)
    assert (DEPLOY / "gunicorn.conf.py").exists()
    assert re.search(r"^app = create_app\(\)$", (DEPLOY.parent / "wsgi.py").read_text(), re.MULTILINE)
    service = unit(DEPLOY / "eventapp.service")["Service"]
    assert "PROMETHEUS_MULTIPROC_DIR=/run/eventapp/metrics" in service["Environment"]
    assert "rm -rf /run/eventapp/metrics" in service["ExecStartPre"]


def test_gunicorn_config_uses_sync_workers_and_no_access_log():
    settings: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)
    assert (settings["worker_class"], settings["threads"]) == ("sync", 1) and settings["accesslog"] is None
    assert callable(settings["child_exit"])


@pytest.mark.parametrize("timer", TIMERS, ids=lambda path: path.name)
def test_each_timer_starts_a_service_that_exists(timer):
    parsed = unit(timer)
    target = parsed["Timer"].get("Unit", timer.with_suffix(".service").name)
    assert (DEPLOY / target).exists()
    assert unit(DEPLOY / target)["Service"]["Type"] == "oneshot"
    assert parsed["Timer"]["OnCalendar"] and parsed["Install"]["WantedBy"] == "timers.target"


def test_every_service_reads_the_environment_file():
    for path in SERVICES:
        assert unit(path)["Service"]["EnvironmentFile"] == "/etc/eventapp/env", path.name


def test_nginx_keeps_uploads_in_step_with_the_app_and_metrics_private():
    from eventapp.config import Config

    site = (DEPLOY / "nginx-eventapp.conf").read_text()
    (size,) = re.findall(r"client_max_body_size (\d+)m;", site)
    assert int(size) * 1024 * 1024 >= Config.MAX_CONTENT_LENGTH
    assert re.search(r"location = /metrics \{[^}]*deny all;", site)
    assert "Strict-Transport-Security" in site and "/etc/letsencrypt/live/" in site
    assert "X-Forwarded-Proto $scheme" in (DEPLOY / "nginx-eventapp-proxy.conf").read_text()
