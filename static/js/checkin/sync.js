/* Talking to the server, and going on without it.
 *
 * A scan goes straight to the server when the network is up and nothing is queued before it.
 * Otherwise this device answers it from its list, and queues it; the queue is sent in order when
 * the network is back. The server's answer is final: where it differs from the one given here
 * (the same person was scanned first on another device, or cancelled meanwhile), it replaces the
 * big panel if that still shows the scan, and is listed under the scans checked once the network
 * came back. Each scan carries an id made here, so sending it twice counts once.
 */
import { canHash, parseCode } from "./codes.js";
import { placeKey } from "./tallies.js";
import { fmt } from "./view.js";

const TIMEOUT_MS = 8000;

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

/** A scan made now: `fields` name the person ({code} or {registration_id}) and the place ({track_id}). */
export function newScan(fields) {
  return { scan_id: uuid(), scanned_at: new Date().toISOString(), ...fields };
}

/** {status, data}; throws when there is no answer (the network is down). */
export async function request(S, method, url, body) {
  const headers = { "Accept": "application/json" };
  if (body) headers["Content-Type"] = "application/json";
  if (S.link) headers["X-Checkin-Link"] = S.link;
  else headers["X-CSRFToken"] = S.csrf;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      method, headers, body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin", cache: "no-store", signal: controller.signal,
    });
    let data = null;
    try {
      data = await response.json();
    } catch (error) { /* not JSON: the status says enough */ }
    return { status: response.status, data };
  } finally {
    clearTimeout(timer);
  }
}

export function payload(event, scan) {
  const body = { event, scan_id: scan.scan_id, scanned_at: scan.scanned_at, track_id: scan.track_id };
  if (scan.registration_id !== undefined) body.registration_id = scan.registration_id;
  else body.code = scan.code;
  return body;
}

/**
 * `app`: {S, T, store, view, online, setOnline(online), changed(), forget(message), refreshList()}.
 * Returns {handleScan(scan), sync(), syncing()}.
 */
export function createSync(app) {
  const { S, T, store, view } = app;
  let syncing = null;

  function saveQueue() {
    store.saveQueue();
    view.renderQueue(store.queue.length);
  }

  function alreadyMessage(first) {
    return first.by ? fmt(T.alreadyBy, { time: view.time(first.at), by: first.by })
      : fmt(T.alreadyAt, { time: view.time(first.at) });
  }

  function notesFor(entry, trackId) {
    const notes = [];
    if (entry.mode === "remote") notes.push(T.remote);
    if (trackId !== null && entry.tracks.indexOf(trackId) < 0) notes.push(T.otherTrack);
    return notes;
  }

  /** The answer this device gives from its list, without the network. */
  async function localAnswer(scan) {
    if (scan.registration_id === undefined) {
      if (!parseCode(scan.code)) return { result: "invalid", message: T.invalidMessage };
      if (!canHash()) return { result: "unknown", message: T.noSubtle };
    }
    const entry = await store.entryOf(scan);
    if (!entry) return { result: "unknown", message: T.unknownMessage };
    const person = store.personOf(entry);
    if (entry.status === "cancelled") return { result: "cancelled", message: T.cancelledMessage, person };
    if (entry.status === "waitlisted") return { result: "waitlisted", message: T.waitlistedMessage, person };
    const first = entry.checkins[placeKey(scan.track_id)];
    if (first) return { result: "already", message: alreadyMessage(first), person, first };
    const mark = store.markArrived(entry, scan);
    app.changed();
    return {
      result: "welcome", message: fmt(T.welcomeMessage, { name: entry.name }), person,
      notes: notesFor(entry, scan.track_id), scan: mark,
    };
  }

  /** Posts a scan; the server's response, or null when the network is down (and says so). */
  async function post(scan) {
    try {
      const response = await request(S, "POST", S.checkinUrl, payload(S.event, scan));
      app.setOnline(true);
      return response;
    } catch (error) {
      app.setOnline(false);
      return null;
    }
  }

  /** Sends the scan now, if it can; true when the server answered it. */
  async function sendNow(scan) {
    if (!app.online || store.queue.length) return false;
    const response = await post(scan);
    if (!response) return false;
    if (response.status === 200 && response.data) {
      if (store.applyServer(scan, response.data)) app.changed();
      view.show(response.data, scan, false);
      return true;
    }
    if (response.status < 500 && response.data) {  // refused as a request: say why
      view.show({ result: "invalid", message: response.data.message }, null, false);
      return true;
    }
    return false;
  }

  async function handleScan(scan) {
    if (await sendNow(scan)) return;
    const answer = await localAnswer(scan);
    if (answer.result !== "invalid") {
      scan.local = { result: answer.result, person_id: answer.person ? answer.person.id : null };
      store.queue.push(scan);
      saveQueue();
      if (app.online) sync();  // queued behind earlier scans: sent in their order
    }
    view.show(answer, scan, true);
  }

  /** Sends the queue's first scan; true to go on with the next. */
  async function sendFirst() {
    const scan = store.queue[0];
    const response = await post(scan);
    if (!response) return false;
    if (response.status >= 500) return false;  // the server is unwell: try again later
    if (response.status === 410) {  // the link revoked or expired: what is queued cannot be sent
      app.forget(response.data && response.data.message);
      return false;
    }
    if (response.status === 401 || response.status === 403) {  // signed out, or no longer allowed
      view.showProblem(response.data && response.data.message);
      return false;
    }
    store.queue.shift();
    saveQueue();
    const answer = response.status === 200 && response.data ? response.data
      : { result: "invalid", message: (response.data && response.data.message) || "HTTP " + response.status };
    if (store.applyServer(scan, answer)) app.changed();
    if (!scan.local || answer.result !== scan.local.result) {
      view.addConflict(scan, answer);
      if (view.shownScan() === scan.scan_id) view.show(answer, scan, false, true);  // still on screen
    }
    return true;
  }

  async function sendQueue() {
    while (store.queue.length && await sendFirst()) { /* in order, one at a time */ }
    syncing = null;
    view.renderQueue(store.queue.length);
    if (!store.queue.length) {
      view.clearProblem();
      await app.refreshList();
    }
  }

  /** Sends the queue (once at a time); resolves when it is done. */
  function sync() {
    if (syncing) return syncing;
    if (!store.queue.length) return Promise.resolve();
    syncing = sendQueue();
    return syncing;
  }

  return { handleScan, sync, syncing: () => syncing };
}
