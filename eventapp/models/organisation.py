from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..labels import LabelledEnum
from .types import UTCDateTime, str_enum, utcnow


class Sector(LabelledEnum):
    # "form": the longer wording the registration form offers.
    NGO = "ngo", _l("NGO"), {"form": _l("Non-governmental organisation")}
    STATE_ADMINISTRATION = (
        "state_administration", _l("State administration"),
        {"form": _l("State administration (ministry, agency)")},
    )
    MUNICIPALITY = "municipality", _l("Municipality"), {"form": _l("Municipality")}
    OTHER = "other", _l("Other"), {"form": _l("Other (business, academia, private person)")}


class Organisation(db.Model):
    """An NGO, a state institution, a municipality or another body."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    sector: Mapped[Sector] = mapped_column(str_enum(Sector))
    # Semicolon-separated, as in the council's directory: "seniori; sociālā aizsardzība"
    policy_areas: Mapped[str] = mapped_column(Text, default="")
    is_signatory: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Where the organisation works ("Latgale", "Rīga"), as the directory says; may be empty.
    region: Mapped[str] = mapped_column(String(100), default="")
    # The address invitations to events go to; many organisations have none on record.
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # When the organisation asked not to be invited any more (the link in an invitation).
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def policy_area_list(self) -> list[str]:
        return [area.strip() for area in self.policy_areas.split(";") if area.strip()]

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"
