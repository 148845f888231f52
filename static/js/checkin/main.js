/* Check-in at the door: scan a badge (the phone's camera, or a USB scanner typing into the code
 * field), or find a person by name; undo a check-in; count who has come.
 *
 * It keeps working when the network drops. At start (and every half minute) the page downloads
 * the event's list: for each registration the SHA-256 of its badge secret (never the secret),
 * who it is, its status and check-ins. Without the network it answers from that list, keeps the
 * scans in localStorage, and sends them when the network is back (sync.js).
 *
 * Personal data stays on the device only as long as it is needed (store.js): it is deleted, with
 * the scans not yet sent, when the event is over (the end is stored with the list and checked on
 * load) or the server says the link was revoked or has expired (410), or that the organiser is
 * signed out or no longer allowed (401, 403). A dead link's page (no settings, only
 * #checkin-forget) deletes what was kept for that link.
 *
 * The page is also an app (sw.js, registered here): it opens without the network from the files
 * its service worker keeps; those and the worker are deleted with the list.
 *
 * Settings and every word shown come from the page (#checkin-settings), in its language.
 */
import { Camera } from "./camera.js";
import { removeStored, Store } from "./store.js";
import { createSync, newScan, payload, request } from "./sync.js";
import { countArrivals } from "./tallies.js";
import { createView } from "./view.js";

const REFRESH_MS = 30000;
const RETRY_MS = 10000;

/** The page as an app (sw.js): it opens, from this device's cache, without the network too. */
function installApp(S) {
  if (!S.workerUrl || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(S.workerUrl, { scope: S.scope }).catch(() => {});
}

/** The files the worker keeps for the page at `scope`, and the worker itself, are deleted. */
async function forgetApp(scope) {
  if (globalThis.caches) {
    const prefix = "eventapp-checkin|" + scope + "|";
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(prefix)).map((name) => caches.delete(name)));
  }
  if ("serviceWorker" in navigator) {
    const registration = await navigator.serviceWorker.getRegistration(scope);
    if (registration && new URL(registration.scope).pathname === scope) await registration.unregister();
  }
}

function forgetPage(node) {
  removeStored(node.dataset.prefix);
  node.hidden = false;
  forgetApp(location.pathname).catch(() => {});
}

function start(S) {
  const T = S.strings;
  const store = new Store("eventapp.checkin." + S.event + "." + (S.link ? S.link.slice(0, 10) : "user") + ".", T.thisDevice);
  const actions = { undo, seat: seatPerson, checkIn: (id) => handleScan(newScan({ registration_id: id, track_id: view.place() })) };
  const view = createView(S, T, actions, () => Boolean(camera.stream));
  const camera = new Camera(S, T, submitCode);
  const app = { S, T, store, view, online: navigator.onLine, setOnline, changed, forget, refreshList };
  const { handleScan, sync, syncing } = createSync(app);
  let lastRefresh = 0;

  function setOnline(online) {
    app.online = online;
    view.setOnline(online);
  }

  function renderCounts() {
    if (store.list) view.renderCounts(countArrivals(store.list));
  }

  /** The list changed: kept, counted, and searched again. */
  function changed() {
    store.saveList();
    renderCounts();
    view.renderSearch(store);
  }

  /** The list and the scans not sent are deleted from this device, and the page says so. */
  function forget(message) {
    const dropped = store.forget();
    forgetApp(S.scope).catch(() => {});
    view.renderQueue(0);
    view.renderSearch(store);
    view.showForgotten(message, dropped);
  }

  /** After the event (or the link's end): send what can still be sent, then forget. */
  async function forgetWhenExpired() {
    if (store.gone || !store.expired(S.keepUntil)) return;
    await sync();
    forget("");
  }

  async function refreshList() {
    lastRefresh = Date.now();
    if (store.gone) return;
    let response;
    try {
      response = await request(S, "GET", S.listUrl);
    } catch (error) {
      setOnline(false);
      return;
    }
    if (response.status === 200 && response.data) {
      setOnline(true);
      if (syncing()) return;  // the queue is being sent: the next refresh brings its results
      store.setList(response.data);
      changed();
    } else if (response.status === 410 || response.status === 401 || response.status === 403) {
      // The link revoked or expired, the event over, or the organiser signed out or no longer
      // allowed: the attendees' data leaves this device.
      setOnline(true);
      await sync();
      forget(response.data && response.data.message);
    } else if (response.data && response.data.message) {
      view.showProblem(response.data.message);
    }
  }

  function submitCode(text) {
    text = String(text || "").trim();
    if (!text) return;
    handleScan(newScan({ code: text, track_id: view.place() }));
  }

  async function undo(scanId, personId, trackId) {
    await (syncing() || Promise.resolve());
    const entry = store.byId.get(personId);
    const undone = () => {
      store.unmark(entry, scanId, trackId);
      changed();
      view.show({ result: "undone", message: entry ? entry.name : "", person: entry ? store.personOf(entry) : null }, null, false);
    };
    const queued = store.queue.findIndex((scan) => scan.scan_id === scanId);
    if (queued >= 0) {  // never sent: forgetting it is enough
      store.queue.splice(queued, 1);
      store.saveQueue();
      view.renderQueue(store.queue.length);
      undone();
      return;
    }
    let response;
    try {
      response = await request(S, "POST", S.undoUrl, { event: S.event, scan_id: scanId });
    } catch (error) {
      setOnline(false);
      view.show({ result: "unknown", message: T.undoNeedsNetwork }, null, false);
      return;
    }
    if (response.status === 200) undone();
    else view.show({ result: "invalid", message: response.data ? response.data.message : "HTTP " + response.status }, null, false);
  }

  /** Seats someone from the waiting list, when the server offered it (a seat is free for them). */
  async function seatPerson(person) {
    const scan = newScan({ registration_id: person.id, track_id: view.place() });
    const body = { ...payload(S.event, scan), seat: true };
    let response;
    try {
      response = await request(S, "POST", S.checkinUrl, body);
    } catch (error) {
      setOnline(false);
      view.show({ result: "unknown", message: T.seatNeedsNetwork }, null, false);
      return;
    }
    setOnline(true);
    if (response.status === 200 && response.data) {
      const entry = store.byId.get(person.id);
      if (entry) entry.status = "confirmed";
      if (store.applyServer(scan, response.data)) changed();
      view.show(response.data, scan, false);
      await refreshList();
      return;
    }
    view.show({ result: "waitlisted", person, message: (response.data && response.data.message) || "HTTP " + response.status },
      null, false);
  }

  function wire() {
    const { els } = view;
    document.getElementById("code-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = els.code.value;
      els.code.value = "";
      submitCode(text);
      els.code.focus();
    });
    els.search.addEventListener("input", () => view.renderSearch(store));
    if (els.place) {
      const saved = store.load("place", "");
      if (saved && els.place.querySelector('option[value="' + saved + '"]')) els.place.value = saved;
      els.place.addEventListener("change", () => {
        store.save("place", els.place.value);
        view.renderSearch(store);
      });
    }
    window.addEventListener("online", async () => {
      setOnline(true);
      await sync();
      await refreshList();
    });
    window.addEventListener("offline", () => setOnline(false));
    document.addEventListener("visibilitychange", async () => {
      if (document.visibilityState !== "visible") return;
      await sync();
      await refreshList();
    });
    setInterval(() => {
      if (store.expired(S.keepUntil)) forgetWhenExpired();
      else if (store.queue.length) sync();
      else if (Date.now() - lastRefresh > REFRESH_MS) refreshList();
    }, RETRY_MS);
  }

  wire();
  installApp(S);
  setOnline(app.online);
  renderCounts();
  view.renderQueue(store.queue.length);
  view.els.result.dataset.ready = "true";
  return store.expired(S.keepUntil) ? forgetWhenExpired() : sync().then(refreshList);
}

const settings = document.getElementById("checkin-settings");
if (settings) {
  start(JSON.parse(settings.textContent)).then(() => { document.body.dataset.checkinReady = "true"; });
} else {
  const forgetNode = document.getElementById("checkin-forget");
  if (forgetNode) forgetPage(forgetNode);
}
