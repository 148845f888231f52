"""Importing the directory of organisations."""
from flask_babel import force_locale

from eventapp.models import Organisation, Sector
from eventapp.services import organisations

CSV = '''name,sector,policy_areas
Labklājības ministrija,state_administration,seniori; sociālā aizsardzība
"biedrība ""Latvijas Jaunatnes padome""",ngo,jaunatne
Jēkabpils novada pašvaldība,pašvaldība,Jēkabpils novads
,ngo,nekas
Kāda organizācija,party,
Labklājības ministrija,state_administration,dublikāts
'''


def test_import_creates_refuses_and_says_why(session):
    result = organisations.import_organisations(session, organisations.read_csv(CSV.encode()))
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    with force_locale("en"):
        reasons = {line: str(reason) for line, reason in result.refused}
    assert set(reasons) == {5, 6, 7}
    assert "no name" in reasons[5]
    assert "unknown sector “party”" in reasons[6]
    assert "appears earlier" in reasons[7]
    ministry = session.query(Organisation).filter_by(name="Labklājības ministrija").one()
    assert ministry.sector is Sector.STATE_ADMINISTRATION
    assert ministry.policy_area_list == ["seniori", "sociālā aizsardzība"]
    assert session.query(Organisation).filter_by(name="Jēkabpils novada pašvaldība").one().sector is Sector.MUNICIPALITY


def test_import_twice_changes_nothing_and_updates_what_changed(session):
    organisations.import_organisations(session, organisations.read_csv(CSV))
    again = organisations.import_organisations(session, organisations.read_csv(CSV))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = organisations.import_organisations(
        session, organisations.read_csv("name,sector,policy_areas\nLabklājības ministrija,state_administration,seniori\n")
    )
    assert changed.updated == 1


def test_excel_csv_with_bom_and_semicolons_reads_the_same():
    excel = "\ufeffname;sector;policy_areas\r\nValsts kanceleja;state_administration;atvērtā pārvaldība\r\n"
    rows = organisations.read_csv(excel.encode("utf-8"))
    assert rows == [{"name": "Valsts kanceleja", "sector": "state_administration", "policy_areas": "atvērtā pārvaldība"}]


def test_file_without_name_column_is_refused_whole(session):
    result = organisations.import_organisations(session, organisations.read_csv("nosaukums,nozare\nX,ngo\n"))
    assert result.created == 0 and result.refused[0][0] == 1


def test_search_folds_case_and_diacritics_and_sorts_in_latvian_order(session):
    for name in ("Latvijas Pilsoniskā alianse", "Čaklo biedrība", "Cēsu biedrība", "Ābeļu biedrība", "Avotu biedrība"):
        session.add(Organisation(name=name, sector=Sector.NGO))
    session.flush()
    assert [o.name for o in organisations.search_organisations(session, "latvijas pilsoniska")] == ["Latvijas Pilsoniskā alianse"]
    assert [o.name for o in organisations.search_organisations(session, "BIEDRIBA")] == [
        "Avotu biedrība", "Ābeļu biedrība", "Cēsu biedrība", "Čaklo biedrība"]
    assert organisations.search_organisations(session, "   ") == []
    assert organisations.latvian_sorted(["zīle", "žagata", "āpsis", "auns"]) == ["auns", "āpsis", "zīle", "žagata"]
