"""The shared check-in cases (tests/vectors/checkin.json), answered by the server's own functions.

tests/js/checkin_vectors.test.mjs answers the same cases with the check-in page's modules, so the
rules of the page (which answers scans offline) and of the server cannot drift apart.
"""
import json
from pathlib import Path

import pytest

from eventapp.models import AttendanceMode, RegistrationStatus, Sector, utcnow
from eventapp.services.checkin import arrivals, badges, check_ins

from ..factories import create_event, create_registration, create_user

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "checkin.json").read_text(encoding="utf-8"))


def test_the_badge_prefix_is_the_one_printed_on_badges():
    assert VECTORS["prefix"] == badges.CODE_PREFIX


@pytest.mark.parametrize("case", VECTORS["codes"], ids=lambda case: case["name"])
def test_a_scanned_code_reads_as_the_vectors_say(case):
    assert check_ins.parse_code(case["code"]) == case["secret"]
    if case["secret"] is not None:
        assert check_ins.code_hash(case["secret"]) == case["hash"]


def build(session, vector_list: dict):
    """The vector's people registered, checked in and (last) given their status.

    Returns the event, and the vector's ids of its registrations and of its tracks (by their ids)."""
    event = create_event(session, tracks=len(vector_list["tracks"]), track_capacity=50, remote_allowed=True)
    tracks = dict(zip((t["id"] for t in vector_list["tracks"]), event.tracks, strict=True))
    scanner = check_ins.Scanner(user=create_user(session))
    ids = {}
    for n, person in enumerate(vector_list["people"]):
        # A person without a seat in a track still chose one (they wait for it), when there are any.
        chosen = tracks[person["tracks"][0]] if person["tracks"] else next(iter(event.tracks), None)
        registration = create_registration(
            session, event, full_name=person["name"], organisation_name="Biedrība",
            sector=Sector(person["sector"]), attendance_mode=AttendanceMode(person["mode"]),
            track_ids={chosen.slot_id: chosen.id} if chosen else {},
        )
        ids[registration.id] = person["id"]
        for m, place in enumerate(person["checkins"]):
            track = None if place == arrivals.DOOR else tracks[int(place)]
            done = check_ins.check_in(session, event, scanner, utcnow(), scan_id=f"vector-{n}-{m}",
                                    registration_id=registration.id, track=track)
            assert done.result == "welcome"
        registration.status = RegistrationStatus(person["status"])
        seats = {tracks[t].id for t in person["tracks"]}
        for choice in registration.choices:  # a seat in a track, or waiting for one
            if registration.status is RegistrationStatus.CANCELLED:
                choice.status = RegistrationStatus.CANCELLED
            else:
                has_seat = choice.track_id in seats
                choice.status = RegistrationStatus.CONFIRMED if has_seat else RegistrationStatus.WAITLISTED
    session.flush()
    return event, ids, {track.id: vector_id for vector_id, track in tracks.items()}


@pytest.mark.parametrize("case", VECTORS["counts"], ids=lambda case: case["name"])
def test_a_list_counts_as_the_vectors_say(session, case):
    event, people_ids, track_ids = build(session, case["list"])

    # What the server gives a device is the list the vectors count (in what counting reads).
    listing = arrivals.checkin_list(session, event, "en", utcnow())
    assert set(listing["sectors"]) == set(case["list"]["sectors"])
    assert [track_ids[t["id"]] for t in listing["tracks"]] == [t["id"] for t in case["list"]["tracks"]]
    given = sorted(({
        "id": people_ids[p["id"]], "sector": p["sector"], "status": p["status"], "mode": p["mode"],
        "tracks": [track_ids[t] for t in p["tracks"]],
        "checkins": sorted(k if k == arrivals.DOOR else str(track_ids[int(k)]) for k in p["checkins"]),
    } for p in listing["people"]), key=lambda p: p["id"])
    expected = [{
        "id": p["id"], "sector": p["sector"], "status": p["status"], "mode": p["mode"], "tracks": p["tracks"],
        "checkins": sorted(p["checkins"]),
    } for p in sorted(case["list"]["people"], key=lambda p: p["id"])]
    assert given == expected

    counts = arrivals.arrival_counts(session, event)
    tally = lambda t: {"arrived": t.arrived, "expected": t.expected}  # noqa: E731
    assert {
        "total": tally(counts.total),
        "sectors": {sector.value: tally(t) for sector, t in counts.sectors.items()},
        "tracks": {str(track_ids[row.track.id]): {**tally(row.tally), "state_administration":
                   tally(row.state_administration), "in_room": row.in_room} for row in counts.tracks},
    } == case["counts"]
