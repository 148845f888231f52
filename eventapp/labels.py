"""The words people see for an enum's members, kept beside the members themselves.

An enum that people see derives from `LabelledEnum`, and each member gives its value and its
label: `NGO = "ngo", _l("NGO")`. A member may add other wordings by name, e.g. the longer one a
form offers: `NGO = "ngo", _l("NGO"), {"form": _l("Non-governmental organisation")}`; an enum
that has a wording gives it for every member. Python says `label(Sector.NGO)` or
`label(Sector.NGO, "form")`, templates `{{ registration.sector|label }}`, and forms take their
options from `label_choices(Sector)`. This module imports nothing of eventapp, so models and services
can all use it.
"""
import enum


class LabelledEnum(enum.Enum):
    def __new__(cls, value: str, label, wordings: dict | None = None):
        member = object.__new__(cls)
        member._value_ = value
        member.labels = {None: label, **(wordings or {})}
        return member

    @property
    def label(self) -> str:
        return str(self.labels[None])


def label(member: LabelledEnum, wording: str | None = None) -> str:
    """The member's word in the current language; `wording` names another wording of it."""
    return str(member.labels[wording])


def label_choices(enum_class: type[LabelledEnum], wording: str | None = None) -> list[tuple[str, object]]:
    """A form's options: each member's value and its (lazily translated) word."""
    return [(member.value, member.labels[wording]) for member in enum_class]


def labelled_enums() -> list[type[LabelledEnum]]:
    """Every enum with labels that has been imported."""
    return LabelledEnum.__subclasses__()
