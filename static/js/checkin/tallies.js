/* Who is expected and who has come, counted from the device's list, so that the counts go on
 * offline. The same rules as eventapp/services/checkin/arrivals.py (arrival_counts):
 *
 * Expected: confirmed registrations to attend in person. Arrived: confirmed registrations
 * checked in at the door (a person registered as remote who came anyway counts too). A track
 * counts the people who hold a seat in it (and, apart, those of state administration), and the
 * people checked in at its room. tests/vectors/checkin.json holds lists and their counts.
 */
export const DOOR = "door";  // the key of a check-in at the door in a person's `checkins`; tracks use their id
const STATE_ADMINISTRATION = "state_administration";

/** The key of a place in a person's `checkins`: the door, or a track's id. */
export function placeKey(trackId) {
  return trackId === null || trackId === undefined ? DOOR : String(trackId);
}

function tally() {
  return { arrived: 0, expected: 0 };
}

function add(counted, arrived, expected) {
  counted.arrived += arrived;
  counted.expected += expected;
}

/** {total, sectors: {sector: tally}, tracks: {id: {arrived, expected, state_administration, in_room}}} */
export function countArrivals(list) {
  const total = tally();
  const sectors = {};
  const tracks = {};
  for (const sector of Object.keys(list.sectors)) sectors[sector] = tally();
  for (const track of list.tracks) {
    tracks[track.id] = { ...tally(), state_administration: tally(), in_room: 0 };
  }
  for (const person of list.people) {
    if (person.status !== "confirmed") continue;
    const arrived = person.checkins[DOOR] ? 1 : 0;
    const expected = person.mode === "in_person" ? 1 : 0;
    add(total, arrived, expected);
    if (sectors[person.sector]) add(sectors[person.sector], arrived, expected);
    for (const id of person.tracks) {
      const track = tracks[id];
      if (!track) continue;
      add(track, arrived, expected);
      if (person.sector === STATE_ADMINISTRATION) add(track.state_administration, arrived, expected);
    }
    for (const key of Object.keys(person.checkins)) {
      if (key !== DOOR && tracks[key]) tracks[key].in_room += 1;
    }
  }
  return { total, sectors, tracks };
}
