"""Command-line tasks: `flask --app wsgi <command>`."""
import time
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from .extensions import db
from .languages import in_language
from .models import Event, EventStatus, User, UserRole, utcnow
from .services import demo, organisations
from .services.accounts import retention
from .services.coverage import delegation, reminders
from .services.exceptions import DomainError
from .services.feedback import invitations as feedback_invitations
from .services.mail import event_reminders, outbox
from .services.registration import lifecycle


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(import_organisations_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(release_held_seats_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(anonymise_command)
    app.cli.add_command(send_feedback_requests_command)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the council's 2025 events, the organisations and an example event."""
    with_user = not current_app.config.get("PRODUCTION")
    added = demo.seed_demo(db.session, utcnow(), with_demo_user=with_user)
    db.session.commit()
    if not added:
        click.echo("Demo data already present: nothing added.")
        return
    for item in added:
        click.echo(f"added {item}")
    if with_user:
        click.echo(f"Demo organiser: {demo.DEMO_ORGANISER_EMAIL} / {demo.DEMO_ORGANISER_PASSWORD}")


@click.command("import-organisations")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_organisations_command(file: Path):
    """Import or update the directory of organisations from a CSV (name,sector,policy_areas),
    optionally with region and contact_email columns (an empty contact keeps the one on record)."""
    try:
        rows = organisations.read_csv(file.read_bytes())
    except UnicodeDecodeError:
        raise click.ClickException("The file is not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8'.") from None
    except DomainError as error:
        with in_language("en"):
            raise click.ClickException(str(error.message)) from None
    result = organisations.import_organisations(db.session, rows)
    db.session.commit()
    click.echo(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}, refused {len(result.refused)}")
    with in_language("en"):  # the command speaks English, its reasons too
        for line, reason in result.refused:
            click.echo(f"  line {line}: {reason}", err=True)


@click.command("create-user")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice([r.value for r in UserRole]), default=UserRole.ORGANISER.value, show_default=True)
@click.password_option()
def create_user_command(email: str, name: str, role: str, password: str):
    """Create a user who can sign in (an organiser unless --role says otherwise)."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise click.ClickException(str(error)) from None
    if len(password) < 10:
        raise click.ClickException("The password must have at least 10 characters.")
    if db.session.scalar(select(User).where(User.email == email)):
        raise click.ClickException(f"A user with the email {email} already exists.")
    user = User(email=email, name=name.strip(), role=UserRole(role))
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@click.command("send-mail")
@click.option("--watch", is_flag=True, help="Keep running, sending new messages as they come.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds with --watch.")
@with_appcontext
def send_mail_command(watch: bool, interval: float):
    """Deliver the outbox: through MAIL_SERVER, or as .eml files in instance/mail/ without one."""
    while True:
        report = outbox.deliver_due(db.session, utcnow())
        if report.sent or report.retrying or report.failed or not watch:
            click.echo(f"sent {report.sent}, to retry {report.retrying}, failed {report.failed}")
        db.session.remove()
        if not watch:
            return
        time.sleep(interval)


@click.command("release-held-seats")
@with_appcontext
def release_held_seats_command():
    """Run daily: let go of seats held for state administration past their release, to the waiting lists."""
    now = utcnow()
    expired = delegation.expire_requests(db.session, now)
    upcoming = db.session.scalars(select(Event).where(Event.status == EventStatus.PUBLISHED, Event.ends_at > now))
    db.session.commit()
    for event_id in [event.id for event in upcoming]:
        lifecycle.refill_event(db.session, db.session.get(Event, event_id), now)
        db.session.commit()  # one event's lock at a time
    click.echo(f"expired {len(expired)} delegation requests; waiting lists filled")


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Run daily (or hourly): coverage summaries to organisers, reminders of open requests to
    institutions, and reminders to the participants of events that begin within REMINDER_HOURS_BEFORE."""
    now = utcnow()
    report = reminders.send_reminders(db.session, now)
    db.session.commit()
    click.echo(f"summaries {report.summaries}, institution reminders {report.institutions}")
    sent = event_reminders.send_event_reminders(db.session, now, event_reminders.hours_before(current_app.config))
    db.session.commit()
    click.echo(f"event reminders: {sent.events} events, {sent.messages} participants")


@click.command("anonymise")
@with_appcontext
def anonymise_command():
    """Run daily: anonymise the registrations of events past their retention period."""
    done = retention.anonymise_due(db.session, current_app.config, utcnow())
    db.session.commit()
    for event, count in done:
        click.echo(f"{event.slug}: {count} registrations anonymised")
    if not done:
        click.echo("Nothing is due.")


@click.command("send-feedback-requests")
@with_appcontext
def send_feedback_requests_command():
    """Run daily (or hourly): the survey link to everyone who attended an event that ended yesterday."""
    report = feedback_invitations.send_feedback_requests(
        db.session, utcnow(), current_app.config.get("FEEDBACK_SEND_HOUR", feedback_invitations.DEFAULT_SEND_HOUR)
    )
    db.session.commit()
    click.echo(f"events {report.events}, survey links queued {report.sent}")
