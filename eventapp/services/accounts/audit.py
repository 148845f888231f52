from sqlalchemy.orm import Session

from ...models import AuditEntry, Event, User


def record(
    session: Session,
    actor: User | None,
    action: str,
    obj,
    event: Event | None = None,
    **details,
) -> AuditEntry:
    """Log an action. `details` carries ids and field names, never a person's data."""
    entry = AuditEntry(
        user_id=actor.id if actor else None,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=getattr(obj, "id", None),
        event_id=event.id if event else None,
        details=details,
    )
    session.add(entry)
    return entry
