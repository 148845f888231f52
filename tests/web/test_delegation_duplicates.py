"""Sending the same delegation request again from the coverage board is refused on the form."""
import re

from eventapp.extensions import db
from eventapp.models import DelegationRequest, Sector

from ..factories import create_event
from ..helpers import csrf_token


def test_asking_the_same_institution_again_shows_an_error_on_the_organisation_field(client, login, make, app):
    slug, track = make.run(lambda s: (lambda e: (e.slug, e.tracks[0].id))(create_event(s, tracks=1, state_admin_minimum=1)))
    ministry = make.organisation(name="Tieslietu ministrija", sector=Sector.STATE_ADMINISTRATION)
    login("organiser")
    board_url = f"/admin/events/{slug}/coverage"

    def send():
        return client.post(f"/admin/events/{slug}/tracks/{track}/delegation-requests", data={
            f"t{track}-csrf_token": csrf_token(client, board_url), f"t{track}-organisation_id": ministry,
            f"t{track}-contact_email": "kanceleja@tm.gov.lv", f"t{track}-message": "",
        })

    assert send().status_code == 302
    for _ in range(2):
        response = send()
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        error = re.search(rf'id="t{track}-organisation_id-error"[^>]*>(.*?)</', page, re.S)
        assert error and "vēl nav atbildējusi" in error.group(1), page
    with app.app_context():
        assert db.session.query(DelegationRequest).count() == 1
