"""The protocol of a working-group meeting, as PDF and DOCX, read back as a reader would."""
import io
import re
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime

import docx
import pytest
from pypdf import PdfReader

from eventapp.services.documents import protocol_layout as layout
from eventapp.services.documents.protocol_docx import protocol_docx
from eventapp.services.documents.protocol_layout import (
    ProtocolDecision,
    ProtocolDocument,
    ProtocolItem,
    ProtocolPerson,
)
from eventapp.services.documents.protocol_pdf import protocol_pdf

from ..pdf_tools import page_count, pdf_text, require

CHAIR = ProtocolPerson("Rasma Pīpiķe", "Latvijas Pilsoniskā alianse", "direktore")
KEEPER = ProtocolPerson("Ģirts Ļaviņš", "Valsts kanceleja", "konsultants", remote=True)
IN_PERSON = [CHAIR, ProtocolPerson("Aigars Šņore", "Biedrība „Ūdensroze”", "valdes priekšsēdētājs")]
REMOTE = [KEEPER, ProtocolPerson("Līga Čakste-Žūriņa", "Tieslietu ministrija", "juriste", remote=True)]
ABSENT = ProtocolPerson("Ēriks Nebijušais", "Kultūras ministrija", "referents")
GUEST = ProtocolPerson("Guna Ķēniņa", "Nodibinājums „Ķekava”", "pētniece")
OWNER = "Latvijas Pilsoniskā alianse"


def meeting(**changes) -> ProtocolDocument:
    """The meeting of 3 October 2025, 15:00–17:13 in Riga (12:00–14:13 UTC, summer time)."""
    doc = ProtocolDocument(
        council="Memoranda padome",
        group_name="Sabiedrības iesaistes un atvērtās pārvaldības darba grupa",
        number="5",
        starts_at=datetime(2025, 10, 3, 12, 0, tzinfo=UTC),
        ends_at=datetime(2025, 10, 3, 14, 13, tzinfo=UTC),
        place="Latvijas Pilsoniskās alianses birojs, Akmeņu iela 21A, Rīga",
        remote_platform="Zoom",
        chair=CHAIR,
        keeper=KEEPER,
        members_present=[IN_PERSON[0], REMOTE[0], IN_PERSON[1], REMOTE[1]],
        others_present=[GUEST],
        members_absent=[ABSENT],
        items=[
            ProtocolItem(
                number=1,
                title="Sabiedrības līdzdalības vadlīniju grozījumi",
                reporters=[CHAIR],
                speakers=[IN_PERSON[1], REMOTE[1]],
                discussion="Apspriež vadlīniju projektu.\n\nVienojas par nākamajiem soļiem pēc četrām nedēļām.",
                decisions=[ProtocolDecision("1.1", "Pieņemt zināšanai sniegto informāciju.")],
            ),
            ProtocolItem(
                number=2,
                title="Atvērtās pārvaldības rīcības plāns",
                reporters=[GUEST, KEEPER],
                speakers=[CHAIR],
                decisions=[
                    ProtocolDecision("2.1", "Sagatavot priekšlikumus rīcības plānam.", owner=OWNER,
                                     deadline=date(2025, 10, 31)),
                    ProtocolDecision("2.2", "Nākamo sēdi sasaukt novembrī, uzaicinot ģimeņu organizācijas."),
                ],
            ),
        ],
    )
    return replace(doc, **changes)


def layout_text(pdf: bytes, folder) -> str:
    """`pdftotext -layout`: the page's lines as printed, columns kept apart."""
    source = folder / "protocol.pdf"
    source.write_bytes(pdf)
    out = subprocess.run([require("pdftotext"), "-layout", "-enc", "UTF-8", str(source), "-"],
                         capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


def between(text: str, start: str, end: str) -> str:
    assert start in text and end in text, (start, end)
    return text[text.index(start):text.index(end, text.index(start))]


# --- PDF --------------------------------------------------------------------------------------

def test_the_pdf_says_who_took_part_and_how(tmp_path):
    text = flat(layout_text(protocol_pdf(meeting()), tmp_path))
    present = between(text, "Piedalās darba grupas locekļi:", "Piedalās arī:")
    for person in IN_PERSON:
        assert re.search(re.escape(person.name) + r"[^()]*\(klātienē\)", present), person.name
    for person in REMOTE:
        assert re.search(re.escape(person.name) + r"[^()]*\(attālināti\)", present), person.name
    assert present.count("klātienē") == 2 and present.count("attālināti") == 2
    assert ABSENT.name not in present
    assert ABSENT.name in text.split("Nepiedalās:", 1)[1]
    assert GUEST.name in between(text, "Piedalās arī:", "Nepiedalās:")


def test_the_pdf_follows_the_council_s_layout(tmp_path):
    pdf = protocol_pdf(meeting())
    lines = layout_text(pdf, tmp_path)
    text = flat(lines)
    assert "Memoranda padome" in text
    assert "Sabiedrības iesaistes un atvērtās pārvaldības darba grupa sēdes protokols" in text
    assert "PROTOKOLS Nr. 5" in text
    # The date and the time on one line, the day and the hour in Riga's time.
    assert re.search(r"Rīgā, 2025\. gada 3\. oktobrī +plkst\. 15:00", lines)
    assert ("Norises vieta: Latvijas Pilsoniskās alianses birojs, Akmeņu iela 21A, Rīga; attālināti: Zoom"
            in text)
    assert "Sēdi vada: Rasma Pīpiķe, direktore, Latvijas Pilsoniskā alianse" in text
    assert "Protokolē: Ģirts Ļaviņš, konsultants, Valsts kanceleja" in text
    agenda = between(text, "Darba kārtība:", "Ziņo: Rasma")
    assert "Nr. Jautājums Ziņo" in agenda
    assert "2. Atvērtās pārvaldības rīcības plāns Guna Ķēniņa, Ģirts Ļaviņš" in agenda
    assert "Ziņo: Rasma Pīpiķe (direktore, Latvijas Pilsoniskā alianse)" in text
    assert ("Izsakās: Aigars Šņore (valdes priekšsēdētājs, Biedrība „Ūdensroze”), "
            "Līga Čakste-Žūriņa (juriste, Tieslietu ministrija)" in text)
    assert "Apspriež vadlīniju projektu. Vienojas par nākamajiem soļiem pēc četrām nedēļām." in text
    assert "Lēmums: 1.1. Pieņemt zināšanai sniegto informāciju." in text
    assert ("Lēmumi: 2.1. Sagatavot priekšlikumus rīcības plānam. Atbildīgais: Latvijas Pilsoniskā alianse. "
            "Termiņš – līdz 2025. gada 31. oktobrim." in text)
    assert "2.2. Nākamo sēdi sasaukt novembrī, uzaicinot ģimeņu organizācijas." in text
    assert "Sēde slēgta plkst. 17:13" in text
    assert re.search(r"Sēdes vadītājs: _+ Rasma Pīpiķe", text)
    assert re.search(r"Protokolētājs: _+ Ģirts Ļaviņš", text)
    assert "Iepriekšējo sēžu" not in text  # no open tasks, no section
    for letter in "āēīūčšžņļķģ" + "ČĒĢĶĻŪŽ":
        assert letter in text, letter


def test_the_pdf_s_pages_are_numbered_and_titled(tmp_path):
    items = [ProtocolItem(n, f"Jautājums {n}", [CHAIR], [], discussion="Teksts par šo jautājumu. " * 60)
             for n in range(1, 7)]
    pdf = protocol_pdf(meeting(items=items))
    pages = page_count(pdf, tmp_path)
    assert pages > 1
    text = flat(layout_text(pdf, tmp_path))
    # "1 / 4" at the foot of the first page (pdftotext may drop the narrow spaces around the slash).
    assert [int(n) for n in re.findall(rf"\b(\d+) ?/ ?{pages}\b", text)] == list(range(1, pages + 1))
    title = PdfReader(io.BytesIO(pdf)).metadata.title
    assert title == "Memoranda padome: Sabiedrības iesaistes un atvērtās pārvaldības darba grupa, protokols Nr. 5"


def test_open_tasks_and_no_closing_time(tmp_path):
    task = ProtocolDecision("3.2", "Apkopot biedru viedokļus.", owner="Valsts kanceleja", deadline=date(2025, 9, 1))
    text = flat(layout_text(protocol_pdf(meeting(open_tasks=[task], ends_at=None, members_absent=[])), tmp_path))
    assert ("Iepriekšējo sēžu neizpildītie uzdevumi 3.2. Apkopot biedru viedokļus. Atbildīgais: Valsts kanceleja. "
            "Termiņš – līdz 2025. gada 1. septembrim." in text)
    assert "Sēde slēgta" not in text
    assert "Nepiedalās" not in text


def test_a_draft_says_so_and_an_approved_protocol_does_not(tmp_path):
    assert "PROJEKTS" in layout_text(protocol_pdf(meeting(approved=False)), tmp_path)
    assert "PROJEKTS" not in layout_text(protocol_pdf(meeting(approved=True)), tmp_path)
    assert "DRAFT" in layout_text(protocol_pdf(meeting(language="en")), tmp_path)
    assert "DRAFT" not in layout_text(protocol_pdf(meeting(language="en", approved=True)), tmp_path)
    assert "PROJEKTS" in paragraphs_of(protocol_docx(meeting()))
    assert "PROJEKTS" not in paragraphs_of(protocol_docx(meeting(approved=True)))


def test_typed_markup_is_printed_not_obeyed(tmp_path):
    item = ProtocolItem(1, 'Nolikums <b>& "Ķ" </para>', [ProtocolPerson("A<i>n&amp;a")], [],
                        discussion="1 < 2 & 3 > 2", decisions=[ProtocolDecision("1.1", "<br/>Lēmums & cits")])
    pdf = protocol_pdf(meeting(items=[item], group_name="Grupa <font> & Co"))
    text = pdf_text(pdf, tmp_path)
    assert 'Nolikums <b>& "Ķ" </para>' in text
    assert "A<i>n&amp;a" in text
    assert "1<2&3>2" in text.replace(" ", "")  # pdftotext drops the narrow spaces of so short a line
    assert "1.1. <br/>Lēmums & cits" in text
    assert "Grupa <font> & Co" in text
    assert "Nolikums <b>&" in "\n".join(p.text for p in docx.Document(io.BytesIO(protocol_docx(
        meeting(items=[item])))).tables[0].rows[1].cells)


# --- English ----------------------------------------------------------------------------------

def test_the_english_protocol_has_english_headings(tmp_path):
    doc = meeting(language="en")
    lines = layout_text(protocol_pdf(doc), tmp_path)
    text = flat(lines)
    assert "Minutes No. 5" in text
    assert re.search(r"Riga, 3 October 2025 +at 15:00", lines)
    assert "Place: Latvijas Pilsoniskās alianses birojs, Akmeņu iela 21A, Rīga; remotely: Zoom" in text
    assert "Chair: Rasma Pīpiķe" in text and "Minutes taken by: Ģirts Ļaviņš" in text
    present = between(text, "Members present:", "Also present:")
    assert present.count("(in person)") == 2 and present.count("(remotely)") == 2
    assert "Absent: 1. Ēriks Nebijušais" in text
    assert "Agenda: No. Item Reported by" in text
    assert "Reported by: Rasma Pīpiķe" in text and "Speakers: Aigars Šņore" in text
    assert "Decision: 1.1." in text and "Decisions: 2.1." in text
    assert "Responsible: Latvijas Pilsoniskā alianse. Deadline: 31 October 2025." in text
    assert "Meeting closed at 17:13" in text
    for latvian in ("PROTOKOLS", "Ziņo", "Izsakās", "Lēmum", "Termiņš", "klātienē", "attālināti", "plkst."):
        assert latvian not in text, latvian
    written = paragraphs_of(protocol_docx(doc))
    assert "Minutes No. 5" in written and "Ziņo" not in written
    assert [c.text for c in docx.Document(io.BytesIO(protocol_docx(doc))).tables[0].rows[0].cells] == \
        ["No.", "Item", "Reported by"]


def test_dates_and_times_are_riga_s():
    winter = datetime(2026, 1, 31, 22, 30, tzinfo=UTC)  # already 1 February in Riga (UTC+2)
    assert layout.meeting_date(winter, "lv") == "2026. gada 1. februārī"
    assert layout.meeting_date(winter, "en") == "1 February 2026"
    assert layout.clock(winter) == "00:30"
    assert layout.clock(datetime(2025, 10, 3, 12, 0)) == "15:00"  # naive is taken as UTC
    assert layout.deadline_text(date(2025, 10, 31), "lv") == "Termiņš – līdz 2025. gada 31. oktobrim"
    assert layout.deadline_text(date(2025, 10, 31), "en") == "Deadline: 31 October 2025"


# --- DOCX -------------------------------------------------------------------------------------

def paragraphs_of(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_the_docx_lists_exactly_the_members_present():
    document = docx.Document(io.BytesIO(protocol_docx(meeting())))
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Piedalās darba grupas locekļi:")
    end = texts.index("Piedalās arī:")
    present = texts[start + 1:end]
    assert len(present) == 4
    assert [line.split("\t", 1)[0] for line in present] == ["1.", "2.", "3.", "4."]
    for person in IN_PERSON:
        assert sum(person.name in line and line.endswith("(klātienē)") for line in present) == 1
    for person in REMOTE:
        assert sum(person.name in line and line.endswith("(attālināti)") for line in present) == 1
    assert not any(ABSENT.name in line for line in present)
    absent = texts[texts.index("Nepiedalās:") + 1]
    assert absent == "1.\tĒriks Nebijušais – referents, Kultūras ministrija"


def test_the_docx_agenda_is_a_table_and_decisions_are_numbered():
    data = protocol_docx(meeting())
    document = docx.Document(io.BytesIO(data))
    assert len(document.tables) == 1
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows == [
        ["Nr.", "Jautājums", "Ziņo"],
        ["1.", "Sabiedrības līdzdalības vadlīniju grozījumi", "Rasma Pīpiķe"],
        ["2.", "Atvērtās pārvaldības rīcības plāns", "Guna Ķēniņa, Ģirts Ļaviņš"],
    ]
    texts = [p.text for p in document.paragraphs]
    decisions = [t for t in texts if re.match(r"\d+\.\d+\.\t", t)]
    assert [t.split("\t")[0] for t in decisions] == ["1.1.", "2.1.", "2.2."]
    assert decisions[1] == ("2.1.\tSagatavot priekšlikumus rīcības plānam. Atbildīgais: Latvijas Pilsoniskā "
                            "alianse. Termiņš – līdz 2025. gada 31. oktobrim.")
    assert "PROTOKOLS Nr. 5" in texts
    assert "Rīgā, 2025. gada 3. oktobrī\tplkst. 15:00" in texts
    assert "Ziņo: Rasma Pīpiķe (direktore, Latvijas Pilsoniskā alianse)" in texts
    assert any(t.startswith("Izsakās: Aigars Šņore") for t in texts)
    assert texts.index("Apspriež vadlīniju projektu.") + 1 == texts.index("Vienojas par nākamajiem soļiem pēc četrām nedēļām.")
    assert "Sēde slēgta plkst. 17:13" in texts
    assert document.core_properties.title == layout.title(meeting())
    assert document.styles["Normal"].font.name == "Times New Roman"


@pytest.mark.parametrize("render", [protocol_pdf, protocol_docx])
def test_a_bare_meeting_still_renders(render):
    """Online only, no chair or keeper named yet, no agenda: a document all the same."""
    doc = meeting(place="", chair=None, keeper=None, members_present=[], others_present=[], members_absent=[],
                  items=[], ends_at=None)
    assert len(render(doc)) > 1000
