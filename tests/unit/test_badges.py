"""Badges: what they say, that every Latvian letter prints, that nothing runs off them, and that
their QR code, read back by a real decoder from the rendered page, checks the person in."""
import pytest
from PIL import Image
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from eventapp.models import AttendanceMode, OutboxMessage, Registration, RegistrationStatus, Sector, utcnow
from eventapp.services.checkin import badge_layout, badges
from eventapp.services.checkin.check_ins import Scanner, check_in
from eventapp.services.mail.outbox import build_message
from eventapp.services.registration.lifecycle import cancel_registration

from ..factories import create_event, create_organisation, create_registration, create_user
from ..pdf_tools import decode_qr, page_count, page_images, pdf_text

ERIKS = "Ēriks Ķēniņš-Žagata"
LONG_NAME = "Aleksandra Konstance Vilhelmīne Ozoliņa-Pētersone-Kalniņa-Ēr"
ONE_LONG_WORD = "Ķēniņšžagataozoliņapētersonekalniņabērziņaliepiņakrūmiņavīto"
LONG_ORGANISATION = (
    "Latvijas Republikas Viedās administrācijas un reģionālās attīstības ministrija, "
    "Reģionālās politikas departamenta Teritorijas attīstības plānošanas nodaļa"
)
LETTERS = "ĀČĒĢĪĶĻŅŠŪŽ āčēģīķļņšūž"


@pytest.fixture
def jekabpils(session):
    event = create_event(session, tracks=2, title_lv="Memoranda padomes izbraukuma sēde Jēkabpilī",
                         title_en="Memorandum Council visiting session in Jēkabpils", city="Jēkabpils",
                         remote_allowed=True)
    event.tracks[0].room = "Mazā zāle"
    session.flush()
    return event


def test_a_badge_says_who_from_where_which_sector_and_track_in_embedded_unicode(session, jekabpils, tmp_path):
    org = create_organisation(session, name="Jēkabpils novada pašvaldība", sector=Sector.MUNICIPALITY)
    person = create_registration(session, jekabpils, full_name=ERIKS, organisation_name=org.name,
                                 sector=Sector.MUNICIPALITY)
    letters = create_registration(session, jekabpils, full_name=LETTERS, language="en")
    for layout in badges.LAYOUTS:
        text = pdf_text(badges.badges_pdf([person, letters], layout), tmp_path)
        for expected in (ERIKS, "Jēkabpils novada pašvaldība", "Jēkabpils", "Darba grupa 1 · Mazā zāle", LETTERS,
                         "Memoranda padomes izbraukuma sēde Jēkabpilī",
                         "Memorandum Council visiting session in Jēkabpils"):
            assert expected in text, (layout, expected, text)
        # The sector is written, not only shown by the band's colour (in each person's language).
        assert "PAŠVALDĪBA" in text and "NGO" in text, text


def test_the_qr_code_carries_the_prefixed_badge_secret_and_checks_the_person_in(session, jekabpils, tmp_path):
    person = create_registration(session, jekabpils, full_name=ERIKS)
    organiser = create_user(session)
    for layout in badges.LAYOUTS:
        folder = tmp_path / layout
        folder.mkdir()
        [page] = page_images(badges.badges_pdf([person], layout), folder)
        assert decode_qr(page) == [f"EVA1:{person.badge_secret}"]

    [page] = page_images(badges.badges_pdf([person], "label"), tmp_path)
    [code] = decode_qr(page)
    first = check_in(session, jekabpils, Scanner(user=organiser), utcnow(), scan_id="scan-0001", code=code)
    assert first.result == "welcome" and first.registration is person
    again = check_in(session, jekabpils, Scanner(user=organiser), utcnow(), scan_id="scan-0002", code=code)
    assert again.result == "already" and again.check_in is first.check_in


@pytest.mark.parametrize("layout", badges.LAYOUTS)
def test_nothing_runs_off_a_badge_or_over_its_code(session, jekabpils, monkeypatch, tmp_path, layout):
    """Every line of text lies inside its badge and clear of the QR code, however long the name."""
    people = [
        create_registration(session, jekabpils, full_name=LONG_NAME, organisation_name=LONG_ORGANISATION,
                            sector=Sector.STATE_ADMINISTRATION),
        create_registration(session, jekabpils, full_name=ONE_LONG_WORD, organisation_name=LONG_ORGANISATION),
        create_registration(session, jekabpils, full_name="Jānis Ozols"),
    ]
    assert len(LONG_NAME) == 60 and len(ONE_LONG_WORD) == 60
    texts, codes = [], []

    def record(canvas, x_left, y, text):
        size = canvas._fontsize
        width = stringWidth(text, canvas._fontname, size)
        texts.append((canvas.getPageNumber(), x_left, y - 0.25 * size, x_left + width, y + 0.95 * size,
                      text, canvas._fontname))

    original_string, original_centred, original_qr = Canvas.drawString, Canvas.drawCentredString, badge_layout.draw_qr

    def draw_string(canvas, x, y, text, *args, **kwargs):
        record(canvas, x, y, text)
        return original_string(canvas, x, y, text, *args, **kwargs)

    def draw_centred(canvas, x, y, text, *args, **kwargs):
        record(canvas, x - stringWidth(text, canvas._fontname, canvas._fontsize) / 2, y, text)
        return original_centred(canvas, x, y, text, *args, **kwargs)

    def draw_qr(canvas, data, x, y, size):
        codes.append((canvas.getPageNumber(), x, y, x + size, y + size))
        return original_qr(canvas, data, x, y, size)

    monkeypatch.setattr(Canvas, "drawString", draw_string)
    monkeypatch.setattr(Canvas, "drawCentredString", draw_centred)
    monkeypatch.setattr(badge_layout, "draw_qr", draw_qr)
    document = badges.badges_pdf(people, layout)

    page_w, page_h = {"a6": badge_layout.A6, "a4": badge_layout.A4, "label": badge_layout.LABEL}[layout]
    if layout == "a4":
        cell_w, cell_h = badge_layout.SHEET_CELL
        left, bottom = (page_w - 2 * cell_w) / 2, (page_h - 4 * cell_h) / 2
        cells = [(left + c * cell_w, bottom + r * cell_h, left + (c + 1) * cell_w, bottom + (r + 1) * cell_h)
                 for r in range(4) for c in range(2)]
    else:
        cells = [(0, 0, page_w, page_h)]
    assert len(codes) == 3
    for page, x0, y0, x1, y1, text, _font in texts:
        assert any(cx0 + 1 * mm <= x0 and x1 <= cx1 - 1 * mm and cy0 <= y0 and y1 <= cy1
                   for cx0, cy0, cx1, cy1 in cells), (layout, text)
        for code_page, qx0, qy0, qx1, qy1 in codes:
            overlaps = code_page == page and x0 < qx1 and qx0 < x1 and y0 < qy1 and qy0 < y1
            assert not overlaps, (layout, text)
    # The names are whole (wrapped, never cut), in bold.
    bold = "".join(text for *_, text, font in texts if font == badge_layout.BOLD)
    for name in (LONG_NAME, ONE_LONG_WORD):
        assert name.replace(" ", "") in bold.replace(" ", "")
    # And the code of the long-named person still reads.
    first_page = page_images(document, tmp_path)[0]
    assert f"EVA1:{people[0].badge_secret}" in decode_qr(first_page)


def test_a4_sheets_hold_eight_badges_with_cut_marks(session, jekabpils, tmp_path):
    people = [create_registration(session, jekabpils, full_name=f"Dalībniece Nr. {n}") for n in range(9)]
    document = badges.badges_pdf(people, "a4")
    assert page_count(document, tmp_path) == 2
    dpi = 200  # at 150 dpi zbar misreads one code of a sheet now and then (a seam between rows)
    first, second = page_images(document, tmp_path, dpi=dpi)
    assert sorted(decode_qr(first)) == sorted(f"EVA1:{p.badge_secret}" for p in people[:8])
    assert decode_qr(second) == [f"EVA1:{people[8].badge_secret}"]
    # A cut mark in the top margin, in line with the left edge of the grid.
    image = Image.open(first).convert("L")
    px = dpi / 25.4  # pixels a millimetre
    grid_left = (210 - 2 * 95) / 2
    grid_top = (297 - 4 * 68) / 2
    mark = [image.getpixel((round(grid_left * px) + dx, round((grid_top - 5) * px))) for dx in (-1, 0, 1)]
    assert min(mark) < 128
    assert image.getpixel((round((grid_left + 40) * px), round((grid_top - 5) * px))) > 200  # no line across


def test_the_badge_goes_with_the_confirmation_drawn_when_sent(session, jekabpils, tmp_path):
    person = create_registration(session, jekabpils, full_name=ERIKS)
    row = session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == person.id)).one()
    queued = {a.filename: a for a in row.attachments}
    assert queued["badge.pdf"].data == b""  # not drawn while registering
    [(content_type, data)] = [(a.get_content_type(), a.get_content())
                              for a in build_message(row, row.to_address, utcnow()).iter_attachments()
                              if a.get_filename() == "badge.pdf"]
    assert content_type == "application/pdf" and data.startswith(b"%PDF")
    assert page_count(data, tmp_path) == 1
    assert ERIKS in pdf_text(data, tmp_path)


def test_which_badges_are_printed_and_in_which_order(session, jekabpils):
    first_track, second_track = jekabpils.tracks
    slot = first_track.slot_id
    zarins = create_registration(session, jekabpils, full_name="Pēteris Zariņš")
    abele = create_registration(session, jekabpils, full_name="Līga Ābele", track_ids={slot: second_track.id})
    cirulis = create_registration(session, jekabpils, full_name="Anna Cīrulis")
    cakste = create_registration(session, jekabpils, full_name="Jānis Čakste", track_ids={slot: second_track.id})
    create_registration(session, jekabpils, full_name="Remote Person", attendance_mode=AttendanceMode.REMOTE)
    gone = create_registration(session, jekabpils, full_name="Aivars Atteicies")
    cancel_registration(session, gone, utcnow())

    everyone = badges.badge_registrations(session, jekabpils)
    assert [r.full_name for r in everyone] == ["Līga Ābele", "Anna Cīrulis", "Jānis Čakste", "Pēteris Zariņš"]
    assert badges.badge_registrations(session, jekabpils, track_id=second_track.id) == [abele, cakste]

    badges.mark_printed([abele, zarins], utcnow())
    session.flush()
    assert badges.badge_registrations(session, jekabpils, only_new=True) == [cirulis, cakste]
    assert all(r.status is RegistrationStatus.CONFIRMED for r in everyone)
    assert session.get(Registration, gone.id).badge_printed_at is None


def test_latvian_alphabetical_order():
    names = ["Zariņa", "Ābele", "Čakste", "Cīrulis", "Ozols", "Šmits", "Sala", "Ēķis", "Egle"]
    assert sorted(names, key=badges.latvian_key) == [
        "Ābele", "Cīrulis", "Čakste", "Egle", "Ēķis", "Ozols", "Sala", "Šmits", "Zariņa",
    ]


def test_an_unknown_layout_is_refused(session, jekabpils):
    with pytest.raises(ValueError, match="a6, a4, label"):
        badges.badges_pdf([create_registration(session, jekabpils)], "a3")
