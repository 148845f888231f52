import re
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on `url`, taken from the page as a browser would."""
    match = _TOKEN.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class _FormReader(HTMLParser):
    """Every form of a page with what a browser would send for it, unchanged by the user."""

    NOT_SENT = {"submit", "button", "reset", "file", "image"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: ("" if value is None else value) for name, value in attrs}
        if tag == "form":
            self._form = {"attrs": attrs, "fields": [], "buttons": []}
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in attrs:
            return
        name, kind = attrs.get("name"), attrs.get("type", "text").lower()
        if tag in ("button", "input") and kind == "submit" or tag == "button" and "type" not in attrs:
            self._form["buttons"].append((name, attrs.get("value", "")))
        elif tag == "input" and name and kind not in self.NOT_SENT:
            if kind not in ("checkbox", "radio"):
                self._form["fields"].append((name, attrs.get("value", "")))
            elif "checked" in attrs:
                self._form["fields"].append((name, attrs.get("value", "on")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "text": "", "selected": "selected" in attrs}
            self._select["options"].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        for part in (self._option, self._textarea):
            if part is not None:
                part["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            self._end_select()
        elif tag == "textarea" and self._textarea is not None:
            # As HTML does: line breaks become LF, the one right after the opening tag is dropped;
            # a browser then submits every line break as CRLF.
            text = self._textarea["text"].replace("\r\n", "\n").replace("\r", "\n")
            text = text[1:] if text.startswith("\n") else text
            self._form["fields"].append((self._textarea["name"], text.replace("\n", "\r\n")))
            self._textarea = None

    def _end_select(self):
        options = self._select["options"]
        chosen = [option for option in options if option["selected"]]
        if not self._select["multiple"]:
            chosen = chosen[-1:] or options[:1]  # a single select always sends one option
        for option in chosen:
            value = option["value"] if option["value"] is not None else option["text"].strip()
            self._form["fields"].append((self._select["name"], value))
        self._select = None


def form_values(
    html: str, *, containing: str = "csrf_token", submit: str | None = None
) -> list[tuple[str, str]]:
    """What a browser sends for the first form of `html` that posts to its own page and has a field
    named `containing`, submitted with its button of value `submit` (or its first), nothing changed."""
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    for form in reader.forms:
        posts_here = form["attrs"].get("method", "get").lower() == "post" and not form["attrs"].get("action")
        if posts_here and any(n == containing for n, _ in form["fields"]):
            buttons = [b for b in form["buttons"] if submit is None or b[1] == submit]
            assert buttons, f"no submit button {submit!r} in the form"
            name, value = buttons[0]
            return form["fields"] + ([(name, value)] if name else [])
    raise AssertionError(f"no form with a field {containing!r} on the page")


def submit_unchanged(client, url: str, **choose):
    """GET `url`, then POST its form back exactly as a browser would with nothing touched."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = MultiDict(form_values(page.get_data(as_text=True), **choose))
    return client.post(url, data=data)
