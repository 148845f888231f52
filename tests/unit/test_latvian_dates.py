"""'Until' dates: Latvian puts the date after "līdz" in the dative; both languages in Riga time."""
from datetime import datetime, timezone

import pytest
from babel import Locale
from flask import render_template_string

from eventapp import formatting
from eventapp.formatting import until_date

LATVIAN = ["janvārim", "februārim", "martam", "aprīlim", "maijam", "jūnijam", "jūlijam", "augustam",
           "septembrim", "oktobrim", "novembrim", "decembrim"]
ENGLISH = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_in_both_languages(month):
    noon = datetime(2026, month, 15, 10, 0, tzinfo=timezone.utc)  # 12:00 or 13:00 in Riga
    riga_hour = formatting.to_riga(noon).strftime("%H:%M")
    assert until_date(noon, "lv") == f"līdz 2026. gada 15. {LATVIAN[month - 1]}"
    assert until_date(noon, "en") == f"until 15 {ENGLISH[month - 1]} 2026"
    assert until_date(noon, "lv", with_time=True) == f"līdz 2026. gada 15. {LATVIAN[month - 1]} plkst. {riga_hour}"
    assert until_date(noon, "en", with_time=True) == f"until 15 {ENGLISH[month - 1]} 2026, {riga_hour}"


def test_the_day_is_riga_s_not_utc_s():
    """Late on 30 November in UTC is already 1 December in Riga (UTC+2 in winter)."""
    late = datetime(2026, 11, 30, 22, 30, tzinfo=timezone.utc)
    assert until_date(late, "lv") == "līdz 2026. gada 1. decembrim"
    assert until_date(late, "lv", with_time=True) == "līdz 2026. gada 1. decembrim plkst. 00:30"
    assert until_date(late, "en", with_time=True) == "until 1 December 2026, 00:30"


def test_summer_time_and_the_year_boundary():
    assert until_date(datetime(2026, 7, 1, 14, 0, tzinfo=timezone.utc), "lv", with_time=True) == \
        "līdz 2026. gada 1. jūlijam plkst. 17:00"  # UTC+3 in summer
    assert until_date(datetime(2026, 12, 31, 22, 0, tzinfo=timezone.utc), "en") == "until 1 January 2027"


def test_the_time_is_written_as_the_app_writes_times(app):
    moment = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
    with app.test_request_context():
        assert until_date(moment, "lv", with_time=True).endswith(f"plkst. {formatting.riga_time(moment)}")


@pytest.mark.parametrize("locale", ["lv", "lv_LV", "lv-LV", Locale("lv")])
def test_locale_spellings(locale):
    assert until_date(datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc), locale) == "līdz 2026. gada 4. maijam"


def test_nothing_for_no_moment():
    assert until_date(None, "lv") == "" and until_date(None, "en", with_time=True) == ""


def test_a_template_filter_in_the_page_s_language(app):
    moment = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
    with app.test_request_context():
        assert render_template_string("{{ m|until_date(with_time=True) }}", m=moment) == \
            "līdz 2026. gada 1. decembrim plkst. 17:00"
        assert render_template_string("{{ m|until_date('en') }}", m=moment) == "until 1 December 2026"
