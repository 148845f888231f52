"""Where an event takes place, and a link to it on a map (OpenStreetMap: no scripts, no tracking)."""
from urllib.parse import quote

from ..models import Event
from .documents.calendar import event_place as place_line  # noqa: F401  the one line calendars and pages show

MAP_SEARCH = "https://www.openstreetmap.org/search?query="


def map_link(event: Event) -> str | None:
    """A map search for the street address and city (the venue's name when there is no address); None with neither."""
    parts = [event.address or event.venue]
    if event.city and event.city not in parts[0]:
        parts.append(event.city)
    query = ", ".join(part for part in parts if part)
    if not query:
        return None
    return MAP_SEARCH + quote(query, safe="")
