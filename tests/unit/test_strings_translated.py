"""Every word a person reads in a PDF, a mail or an export goes through gettext, where it can be
extracted and translated.

Babel extracts `_("…")` calls from source text, but not from inside an f-string (on the Python
the app runs on), and a sentence glued together from pieces cannot be translated whole. So
these tests read the modules that make documents, mails and exports and flag:
- an f-string, a `+` concatenation, a `%`-format or a `.format()` whose literal text has words,
- a gettext call inside an f-string.
Markup (`<a href="…">`) is not words. Log messages and exceptions for developers are not read by
the people the documents are for, so they are skipped; anything else that is not user-visible
(file names, technical values) is listed in ALLOWED with the reason.
"""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    "eventapp/services/documents/summary_pack.py", "eventapp/services/checkin/badges.py",
    "eventapp/services/checkin/badge_layout.py", "eventapp/services/coverage/coverage_report.py",
    "eventapp/services/mail/compose.py", "eventapp/services/registration/registration_list.py",
    "eventapp/pdf.py",
]
GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "pgettext"}
WORD = re.compile(r"[^\W\d_]{2,}")
MARKUP = re.compile(r"<[^>]*>|&[a-z]+;")

# (module, the literal text with {} for each value): why it is not something to translate.
ALLOWED = {
    ("eventapp/services/documents/summary_pack.py", "{}-{}.pdf"): "the kept pack's file name",
    ("eventapp/services/documents/summary_pack.py", "{}-*.pdf"): "a pattern of kept packs' file names",
    ("eventapp/services/checkin/badge_layout.py", "{} {} {} 1 re"): "a PDF drawing operator",
    ("eventapp/services/mail/compose.py", "email/{}.txt"): "a template's path",
    ("eventapp/services/mail/compose.py", "email/{}.html"): "a template's path",
    ("eventapp/services/mail/compose.py", "text/calendar; method={}; charset=UTF-8"): "a MIME type",
    ("eventapp/pdf.py", "{}.ttf"): "a font file",
}


def words(template: str) -> bool:
    return bool(WORD.search(MARKUP.sub(" ", template)))


def literal_text(node: ast.AST) -> str | None:
    """The literal text of a string-building expression, {} for each value; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = literal_text(node.left), literal_text(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else "{}") + (right if right is not None else "{}")
    return None


def is_gettext(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT


def for_developers(node: ast.AST) -> bool:
    """A log call or a raised exception: read by whoever runs the app, in English."""
    if isinstance(node, ast.Raise):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        target = node.func.value
        return isinstance(target, ast.Name) and target.id in {"log", "logger", "logging"}
    return False


def escapes(module: str, root: Path = ROOT) -> list[str]:
    tree = ast.parse((root / module).read_text(), module)
    found = []

    def visit(node: ast.AST, inside_gettext: bool) -> None:
        if for_developers(node):
            return
        text = None
        if isinstance(node, ast.JoinedStr):
            text = literal_text(node)
            if any(is_gettext(inner) for inner in ast.walk(node)):
                found.append(f"{module}:{node.lineno}: a gettext call inside an f-string is not extracted")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            text = literal_text(node)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and not inside_gettext:
            text = literal_text(node.left)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
              and not inside_gettext):
            text = literal_text(node.func.value)
        if text is not None and words(text) and (module, text) not in ALLOWED:
            found.append(f"{module}:{node.lineno}: {text!r} is built outside gettext")
            return
        for child in ast.iter_child_nodes(node):
            visit(child, inside_gettext or is_gettext(node))

    visit(tree, False)
    return found


@pytest.mark.parametrize("module", MODULES)
def test_no_user_visible_words_escape_gettext(module):
    assert escapes(module) == []


def test_the_check_finds_the_escapes_it_is_for(tmp_path):
    (tmp_path / "sample.py").write_text(
        "def cover(place, n):\n"
        "    a = f\"{_('Place')}: {place}\"\n"
        "    b = 'Page ' + str(n)\n"
        "    c = '%s pages' % n\n"
        "    d = f'<a href=\"#s-{n}\">{place}</a>'\n"
        "    e = _('Place: %(place)s', place=place)\n"
        "    log.info(f'built {n} pages')\n"
        "    f = '{} pages'.format(n)\n"
    )
    found = escapes("sample.py", tmp_path)
    assert [line.split(":")[1] for line in found] == ["2", "3", "4", "8"]


JINJA = re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}|{{.*?}}|{%.*?%}|{#.*?#}", re.S)


def template_words(source: str) -> list[str]:
    """Literal words in a Jinja template, outside its tags, `{{ _(...) }}` and `{% trans %}` blocks."""
    text = MARKUP.sub(" ", JINJA.sub(" ", source))
    return [line.strip() for line in text.splitlines() if WORD.search(line)]


def test_the_template_check_finds_literal_words():
    assert template_words('<p style="color:red">{{ _("Hello") }}</p>\n<p>Dear {{ name }}</p>') == ["Dear"]
    assert template_words("{% trans %}Kind regards{% endtrans %}\n<a href=\"{{ url }}\">{{ url }}</a>") == []


@pytest.mark.parametrize("template", sorted((ROOT / "templates" / "email").iterdir()), ids=lambda p: p.name)
def test_mail_templates_have_no_untranslated_words(template):
    assert template_words(template.read_text()) == []
