"""The command-line tasks, run as `flask --app wsgi <command>` would run them."""
from sqlalchemy import func, select

from eventapp.extensions import db
from eventapp.models import Event, Organisation, OutboxMessage, OutboxStatus, User, UserRole


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_twice(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "added 2025-09-03-jekabpils-regional-session" in first.output
    events = count(app, Event)
    second = runner.invoke(args=["seed-demo"])
    assert "nothing added" in second.output
    assert count(app, Event) == events == 8  # the four real events of 2025, the example to register for, three online meetings


def test_import_organisations_reports_refused_rows(app, runner, tmp_path):
    csv_file = tmp_path / "signatories.csv"
    csv_file.write_text("name,sector,policy_areas\nValsts kanceleja,state_administration,atvērtā pārvaldība\n"
                        "Nezināma,partija,\n", encoding="utf-8")
    result = runner.invoke(args=["import-organisations", str(csv_file)])
    assert result.exit_code == 0
    assert "created 1, updated 0, unchanged 0, refused 1" in result.output
    assert "line 3: unknown sector “partija”" in result.output
    assert count(app, Organisation) == 1


def test_import_organisations_refuses_a_file_that_is_not_utf8(runner, tmp_path):
    csv_file = tmp_path / "old.csv"
    csv_file.write_bytes("name,sector\nLabklājības ministrija,ngo\n".encode("cp1257"))
    result = runner.invoke(args=["import-organisations", str(csv_file)])
    assert result.exit_code != 0 and "UTF-8" in result.output


def test_create_user_makes_an_organiser_who_can_sign_in(app, runner):
    result = runner.invoke(args=["create-user", "--email", "Ilze@Example.LV", "--name", "Ilze Kalniņa"],
                           input="ļoti-slepena-parole\nļoti-slepena-parole\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.name, user.role) == ("ilze@example.lv", "Ilze Kalniņa", UserRole.ORGANISER)
        assert user.check_password("ļoti-slepena-parole") and not user.check_password("cita")
        assert "ļoti" not in user.password_hash


def test_create_user_refuses_short_password_and_duplicates(app, runner):
    short = runner.invoke(args=["create-user", "--email", "a@example.lv", "--name", "A"], input="īsa\nīsa\n")
    assert short.exit_code != 0 and "10 characters" in short.output
    ok = ["create-user", "--email", "a@example.lv", "--name", "A"]
    assert runner.invoke(args=ok, input="garāka-parole\ngarāka-parole\n").exit_code == 0
    again = runner.invoke(args=ok, input="garāka-parole\ngarāka-parole\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_send_mail_twice_delivers_every_message_once_past_one_it_cannot_carry(mail_app, smtp_server):
    with mail_app.test_request_context():
        for address in ("anna@example.lv", "jānis@example.lv", "zane@example.lv"):
            db.session.add(OutboxMessage(kind="test", to_address=address, subject="Pieņemšanas pārbaude", body_text="Sveiki!"))
        db.session.commit()
    runner = mail_app.test_cli_runner()
    first = runner.invoke(args=["send-mail"])
    assert first.exit_code == 0, first.output
    assert "sent 2, to retry 0, failed 1" in first.output
    second = runner.invoke(args=["send-mail"])
    assert second.exit_code == 0, second.output
    assert "sent 0, to retry 0, failed 0" in second.output
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == ["anna@example.lv", "zane@example.lv"]
    with mail_app.app_context():
        failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED))
        assert failed.to_address == "jānis@example.lv" and "non-ASCII" in failed.last_error
