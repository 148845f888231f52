/* What this device keeps: the event's list of participants and the scans not yet sent, in
 * memory and in localStorage under one prefix per event and link.
 *
 * Only what answering a scan without the network needs is stored (no organisations, no names of
 * who scanned). Everything under the prefix is deleted when the list's keep_until has passed,
 * or when the server says the link or the sign-in no longer holds (see main.js).
 */
import { codeHash, parseCode } from "./codes.js";
import { placeKey } from "./tallies.js";

function storage() {
  return globalThis.localStorage;
}

/** Deletes every key under `prefix` (a dead link's page uses it alone). */
export function removeStored(prefix) {
  try {
    const keys = [];
    for (let i = 0; i < storage().length; i++) {
      const key = storage().key(i);
      if (key && key.startsWith(prefix)) keys.push(key);
    }
    keys.forEach((key) => storage().removeItem(key));
  } catch (error) { /* storage disabled: nothing was kept */ }
}

/** The part of the server's list that is written to storage. */
export function storable(list) {
  return {
    keep_until: list.keep_until, sectors: list.sectors,
    tracks: list.tracks.map((track) => ({ id: track.id, title: track.title })),
    people: list.people.map((person) => {
      const checkins = {};
      for (const [key, mark] of Object.entries(person.checkins)) {
        checkins[key] = { at: mark.at, scan_id: mark.scan_id, pending: mark.pending };
      }
      return { id: person.id, hash: person.hash, name: person.name, sector: person.sector, status: person.status,
               mode: person.mode, tracks: person.tracks, checkins };
    }),
  };
}

export class Store {
  /** `prefix`: the storage keys' start; `thisDevice`: who a scan not yet sent is shown as made by. */
  constructor(prefix, thisDevice) {
    this.prefix = prefix;
    this.thisDevice = thisDevice;
    this.list = this.load("list", null);
    this.queue = this.load("queue", []);
    this.gone = false;
    this.index();
  }

  load(key, fallback) {
    try {
      const raw = storage().getItem(this.prefix + key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (error) {
      return fallback;
    }
  }

  save(key, value) {
    try {
      storage().setItem(this.prefix + key, JSON.stringify(value));
    } catch (error) { /* storage full or disabled: the page keeps the state in memory */ }
  }

  /** A fresh list from the server, with the scans still queued marked in it. */
  setList(list) {
    this.list = list;
    this.index();
  }

  index() {
    this.byHash = new Map();
    this.byId = new Map();
    if (!this.list) return;
    for (const person of this.list.people) {
      this.byHash.set(person.hash, person);
      this.byId.set(person.id, person);
    }
    // Scans still waiting to be sent count here already (a fresh list does not know them yet).
    for (const scan of this.queue) {
      const person = scan.local && this.byId.get(scan.local.person_id);
      const key = placeKey(scan.track_id);
      if (person && scan.local.result === "welcome" && !person.checkins[key]) {
        person.checkins[key] = { at: scan.scanned_at, by: this.thisDevice, scan_id: scan.scan_id, pending: true };
      }
    }
  }

  saveList() {
    if (this.list && !this.gone) this.save("list", storable(this.list));
  }

  saveQueue() {
    if (!this.gone) this.save("queue", this.queue);
  }

  /** Whether the list may no longer be kept: its keep_until (or the page's) has passed. */
  expired(keepUntil, now = Date.now()) {
    const until = (this.list && this.list.keep_until) || keepUntil;
    return Boolean(until) && now >= Date.parse(until);
  }

  /** Deletes the list and the scans not sent from this device; returns how many scans were dropped. */
  forget() {
    const dropped = this.queue.length;
    this.gone = true;
    removeStored(this.prefix);
    this.list = null;
    this.queue = [];
    this.index();
    return dropped;
  }

  /** The list's entry of a scan (by its registration id, or by its code's hash), or undefined. */
  async entryOf(scan) {
    if (scan.registration_id !== undefined) return this.byId.get(scan.registration_id);
    return this.byHash.get(await codeHash(parseCode(scan.code)));
  }

  /** A list entry as the page shows a person (as the server's answers do). */
  personOf(entry) {
    const titles = {};
    for (const track of this.list ? this.list.tracks : []) titles[track.id] = track.title;
    return {
      id: entry.id, name: entry.name, organisation: entry.organisation, sector: entry.sector,
      sector_label: this.list ? this.list.sectors[entry.sector] : entry.sector, mode: entry.mode,
      tracks: entry.tracks.map((id) => titles[id]).filter(Boolean),
    };
  }

  /** Marks a scan answered "welcome" on this device; returns the mark. */
  markArrived(entry, scan) {
    const key = placeKey(scan.track_id);
    entry.checkins[key] = { at: scan.scanned_at, by: this.thisDevice, scan_id: scan.scan_id, pending: true };
    return entry.checkins[key];
  }

  /** What the server said about a scan, written into the list. */
  applyServer(scan, answer) {
    const entry = answer.person && this.byId.get(answer.person.id);
    if (!entry) return false;
    const key = placeKey(scan.track_id);
    const mark = entry.checkins[key];
    if (answer.result === "welcome" && answer.scan) {
      entry.checkins[key] = answer.scan;
    } else if (answer.result === "already" && answer.first) {
      entry.checkins[key] = answer.first;
    } else if (mark && mark.scan_id === scan.scan_id) {
      delete entry.checkins[key];
    }
    if (answer.result === "cancelled" || answer.result === "waitlisted") entry.status = answer.result;
    return true;
  }

  /** Takes back this device's mark of a scan (an undo). */
  unmark(entry, scanId, trackId) {
    const key = placeKey(trackId);
    if (entry && entry.checkins[key] && entry.checkins[key].scan_id === scanId) delete entry.checkins[key];
  }
}
