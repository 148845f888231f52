"""Importing the directory from a CSV upload: a file the database or the CSV reader cannot take is
refused with a reason, never an error page; the reasons are in the page's language."""
import io

from click.testing import CliRunner
from sqlalchemy import func, select

from eventapp.cli import import_organisations_command
from eventapp.models import Organisation
from eventapp.services import organisations

from ..helpers import csrf_token


def upload(client, data: bytes):
    return client.post("/admin/organisations/import", data={
        "csrf_token": csrf_token(client, "/admin/organisations"), "file": (io.BytesIO(data), "kontakti.csv"),
    }, content_type="multipart/form-data", follow_redirects=True)


def count(make) -> int:
    return make.run(lambda s: s.scalar(select(func.count()).select_from(Organisation)))


def test_a_nul_byte_in_a_cell_refuses_that_line_only(client, login, make):
    login("organiser")
    data = "name,sector,policy_areas\nNull\x00biedrība,ngo,\nCēsu biedrība,ngo,jaunatne\nX,ngo,a\x00b\n".encode()
    response = upload(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2. rinda:" in html and "4. rinda:" in html and "vadības rakstzīm" in html
    assert make.run(lambda s: s.scalars(select(Organisation.name)).all()) == ["Cēsu biedrība"]


def test_a_field_larger_than_the_csv_limit_is_refused_with_a_reason(client, login, make):
    login("organiser")
    data = ("name,sector,policy_areas\nCēsu biedrība,ngo," + "a" * 200_000 + "\n").encode()
    response = upload(client, data)
    assert response.status_code == 200
    assert "CSV" in response.get_data(as_text=True) and "lauks" in response.get_data(as_text=True)
    assert count(make) == 0


def test_the_refusal_reasons_are_latvian_in_the_latvian_page(client, login, make):
    login("organiser")
    data = ("name,sector,policy_areas,contact_email\n,ngo,,\nA biedrība,party,,\nB biedrība,ngo,,nav-adrese\n"
            "C biedrība,ngo,,\nC biedrība,ngo,,\n").encode()
    html = upload(client, data).get_data(as_text=True)
    for english in ("no name", "unknown sector", "is not valid", "appears earlier"):
        assert english not in html
    assert "nav nosaukuma" in html and "nezināma nozare “party”" in html
    assert "kontaktadrese “nav-adrese” nav derīga" in html and "“C biedrība” jau ir failā agrāk" in html
    header = upload(client, b"nosaukums,nozare\nX,ngo\n").get_data(as_text=True)
    assert "no &#39;name&#39; column" not in header and "galvenē nav kolonnas “name”" in header


def test_the_command_line_import_refuses_the_same_files_without_a_traceback(app, tmp_path):
    nul = tmp_path / "nul.csv"
    nul.write_bytes("name,sector\nNull\x00biedrība,ngo\n".encode())
    large = tmp_path / "large.csv"
    large.write_bytes(("name,sector\n" + "a" * 200_000 + ",ngo\n").encode())
    runner = CliRunner()
    with app.app_context():
        first = runner.invoke(import_organisations_command, [str(nul)])
        second = runner.invoke(import_organisations_command, [str(large)])
    assert first.exit_code == 0 and "refused 1" in first.output
    assert second.exit_code == 1 and isinstance(second.exception, SystemExit) and "CSV" in second.output


def test_the_service_refuses_control_characters(session):
    result = organisations.import_organisations(session, organisations.read_csv("name,sector\nA\x07B,ngo\n"))
    assert result.created == 0 and result.refused[0][0] == 2
