"""The audit log (who did what, when) and what became of past events' personal data.

Administrators see everything; organisers, what concerns events.
"""
from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AuditEntry, Event, User, UserRole, utcnow
from ..permissions import require
from ..services.accounts import retention
from . import bp

PAGE_SIZE = 200
AREAS = ("event", "slot", "track", "registration", "checkin", "delegation", "summary", "user")


@bp.get("/audit")
def audit_log():
    require("view_audit")
    query = select(AuditEntry).options(selectinload(AuditEntry.user)).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if current_user.role is not UserRole.ADMIN:
        query = query.where(AuditEntry.event_id.is_not(None))
    events = db.session.scalars(select(Event).order_by(Event.starts_at.desc())).all()
    event_id = request.args.get("event", type=int)
    if event_id in {event.id for event in events}:
        query = query.where(AuditEntry.event_id == event_id)
    area = request.args.get("area")
    if area in AREAS:
        query = query.where(AuditEntry.action.startswith(f"{area}."))
    user_id = request.args.get("user", type=int)
    people = db.session.scalars(select(User).order_by(User.name)).all()
    if user_id in {person.id for person in people}:
        query = query.where(AuditEntry.user_id == user_id)
    entries = db.session.scalars(query.limit(PAGE_SIZE)).all()
    return render_template(
        "admin/audit.html", entries=entries, events=events, people=people, areas=AREAS,
        chosen={"event": event_id, "area": area, "user": user_id}, events_by_id={e.id: e for e in events},
    )


@bp.get("/personal-data")
def retention_overview():
    """What is due for anonymisation, and what was done."""
    require("view_audit")
    now = utcnow()
    rows = retention.retention_overview(db.session, current_app.config, now)
    return render_template("admin/retention.html", rows=list(reversed(rows)), now=now)
