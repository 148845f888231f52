"""One font loader for every PDF (badges, the coverage report, the summary pack): one font, and
one clear error naming the package to install when it is missing."""
import pytest

from eventapp import pdf
from eventapp.services.checkin import badge_layout, badges
from eventapp.services.coverage import coverage_report
from eventapp.services.documents import summary_pack

from ..factories import create_event, create_registration


@pytest.fixture
def no_fonts(monkeypatch, tmp_path):
    """A machine without DejaVu Sans: nothing registered yet, and nowhere to find it."""
    monkeypatch.setattr(pdf, "_registered", False)
    monkeypatch.setattr(pdf, "FONT_DIRS", [tmp_path / "none"])
    monkeypatch.setattr(pdf, "FONT_ROOTS", [tmp_path])
    yield
    monkeypatch.undo()
    pdf.register_fonts()


def test_every_pdf_is_set_in_the_same_font():
    assert pdf.register_fonts() == (pdf.FONT, pdf.BOLD)
    assert (badge_layout.FONT, badge_layout.BOLD) == (pdf.FONT, pdf.BOLD)
    assert not hasattr(badge_layout, "register_fonts") and not hasattr(badge_layout, "find_font")


def test_a_missing_font_is_named_with_how_to_install_it(no_fonts):
    with pytest.raises(pdf.FontMissing, match="fonts-dejavu-core"):
        pdf.register_fonts()


def test_each_document_reports_the_missing_font_the_same_way(no_fonts, session, tmp_path):
    event = create_event(session, tracks=1)
    person = create_registration(session, event)
    session.flush()
    documents = [
        lambda: badges.badges_pdf([person], "a6"),
        lambda: coverage_report.report_pdf(event, [], with_check_ins=False),
        lambda: summary_pack.consolidated_pdf(event, [], str(tmp_path), lambda file: ""),
    ]
    for make in documents:
        with pytest.raises(pdf.FontMissing, match="fonts-dejavu-core"):
            make()
