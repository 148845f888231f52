from urllib.parse import urlparse

from flask import url_for


def safe_next_url(target: str | None, default_endpoint: str = "public.index") -> str:
    """A path on this site only, so that a `next` parameter cannot send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parsed = urlparse(target)
        if not parsed.scheme and not parsed.netloc:
            return target
    return url_for(default_endpoint)
