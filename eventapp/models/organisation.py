import enum
from datetime import datetime

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow


class Sector(enum.Enum):
    NGO = "ngo"
    STATE_ADMINISTRATION = "state_administration"
    MUNICIPALITY = "municipality"
    OTHER = "other"


class Organisation(db.Model):
    """An NGO, a state institution, a municipality or another body."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    sector: Mapped[Sector] = mapped_column(str_enum(Sector))
    # Semicolon-separated, as in the council's directory: "seniori; sociālā aizsardzība"
    policy_areas: Mapped[str] = mapped_column(Text, default="")
    is_signatory: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def policy_area_list(self) -> list[str]:
        return [area.strip() for area in self.policy_areas.split(";") if area.strip()]

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"
