"""WTForms has no Latvian catalog of its own: its messages come from the app's, in the page's language."""
from ..factories import create_event
from ..helpers import csrf_token


def test_a_too_long_name_is_refused_in_latvian(client, make):
    slug = make.run(lambda s: create_event(s, tracks=1, slug="garums").slug)
    url = f"/events/{slug}/register"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "full_name": "Ā" * 201,
                                  "email": "nav-adrese", "slot_1": "x"}).get_data(as_text=True)
    assert "Laukā var būt ne vairāk kā 200 rakstzīmes." in page
    assert "Field cannot be longer" not in page and "Invalid email address" not in page
    assert "Not a valid choice" not in page and "could not coerce" not in page


def test_english_pages_keep_wtforms_english(client, make):
    slug = make.run(lambda s: create_event(s, tracks=1, slug="garums").slug)
    with client.session_transaction() as session:
        session["lang"] = "en"
    url = f"/events/{slug}/register"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "full_name": "A" * 201}).get_data(as_text=True)
    assert "Field cannot be longer than 200 characters." in page
