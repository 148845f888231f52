/* Check-in at the door: scan a badge (the phone's camera, or a USB scanner typing into the code
 * field), or find a person by name; undo a check-in; count who has come.
 *
 * It keeps working when the network drops. At start (and every half minute) the page downloads
 * the event's list: for each registration the SHA-256 of its badge secret (never the secret),
 * who it is, its status and check-ins. Without the network it answers from that list, keeps the
 * scans in localStorage, and sends them when the network is back (the "online" event and a
 * retry timer). The server's answer is final: where it differs from the one given here (the
 * same person was scanned first on another device, or cancelled meanwhile), it replaces the big
 * panel if that still shows the scan, and is listed under the scans checked once the network
 * came back. Each scan carries an id made here, so sending it twice counts once.
 *
 * Personal data stays on the device only as long as it is needed: the stored list holds what a
 * scan needs (no organisations, no names of who scanned), and it is deleted, with the scans not
 * yet sent, when the event is over (the end is stored with the list and checked on load) or the
 * server says the link was revoked or has expired (410), or that the organiser is signed out or no
 * longer allowed (401, 403). A dead link's page (no settings, only
 * #checkin-forget) deletes what was kept for that link.
 *
 * Settings and every word shown come from the page (#checkin-settings), in its language.
 */
(function () {
  "use strict";

  var settingsNode = document.getElementById("checkin-settings");
  if (!settingsNode) {
    var forgetNode = document.getElementById("checkin-forget");
    if (forgetNode) {
      removeStored(forgetNode.dataset.prefix);
      forgetNode.hidden = false;
    }
    return;
  }
  var S = JSON.parse(settingsNode.textContent);
  var T = S.strings;
  var PREFIX = "EVA1:";
  var SECRET = /^[A-Za-z0-9_-]{16,64}$/;
  var DOOR = "door";
  var REFRESH_MS = 30000;
  var RETRY_MS = 10000;
  var storePrefix = "eventapp.checkin." + S.event + "." + (S.link ? S.link.slice(0, 10) : "user") + ".";

  function $(id) { return document.getElementById(id); }
  var els = {
    place: $("place"), form: $("code-form"), code: $("code"), result: $("result"), view: $("view"),
    network: $("network"), queue: $("queue"), conflicts: $("conflicts"),
    search: $("search"), found: $("found"),
    cameraStart: $("camera-start"), cameraStop: $("camera-stop"), video: $("camera"), cameraMessage: $("camera-message"),
  };

  // --- small helpers ------------------------------------------------------------------------

  function fmt(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (_, name) {
      return values[name] === undefined ? "" : String(values[name]);
    });
  }

  function load(key, fallback) {
    try {
      var raw = window.localStorage.getItem(storePrefix + key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (error) {
      return fallback;
    }
  }

  function save(key, value) {
    try {
      window.localStorage.setItem(storePrefix + key, JSON.stringify(value));
    } catch (error) { /* storage full or disabled: the page keeps the state in memory */ }
  }

  function removeStored(prefix) {
    try {
      var keys = [];
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(prefix) === 0) keys.push(key);
      }
      keys.forEach(function (key) { window.localStorage.removeItem(key); });
    } catch (error) { /* storage disabled: nothing was kept */ }
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function sha256hex(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return (b + 0x100).toString(16).slice(1);
      }).join("");
    });
  }

  function parseCode(text) {
    text = String(text || "").trim();
    if (text.slice(0, PREFIX.length).toUpperCase() !== PREFIX) return null;
    var secret = text.slice(PREFIX.length);
    return SECRET.test(secret) ? secret : null;
  }

  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function timeOf(iso) {
    try {
      return new Date(iso).toLocaleTimeString(S.locale === "en" ? "en-GB" : "lv-LV",
        { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Riga" });
    } catch (error) {
      return String(iso).slice(11, 16);
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function place() {
    return els.place && els.place.value ? Number(els.place.value) : null;
  }

  function placeKey(trackId) {
    return trackId === null || trackId === undefined ? DOOR : String(trackId);
  }

  // --- the server ---------------------------------------------------------------------------

  function request(method, url, body) {
    var headers = { "Accept": "application/json" };
    if (body) headers["Content-Type"] = "application/json";
    if (S.link) headers["X-Checkin-Link"] = S.link;
    else headers["X-CSRFToken"] = S.csrf;
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 8000) : null;
    return fetch(url, {
      method: method, headers: headers, body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin", cache: "no-store", signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      clearTimeout(timer);
      return response.json().catch(function () { return null; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }, function (error) {
      clearTimeout(timer);
      throw error;  // no answer: the network is down
    });
  }

  function payload(scan) {
    var body = { event: S.event, scan_id: scan.scan_id, scanned_at: scan.scanned_at, track_id: scan.track_id };
    if (scan.registration_id !== undefined) body.registration_id = scan.registration_id;
    else body.code = scan.code;
    return body;
  }

  // --- state: the list, the queue of scans not yet sent --------------------------------------

  var state = {
    list: load("list", null), byHash: new Map(), byId: new Map(),
    queue: load("queue", []), syncing: null, online: navigator.onLine, lastRefresh: 0, gone: false,
  };

  function index() {
    state.byHash = new Map();
    state.byId = new Map();
    if (!state.list) return;
    state.list.people.forEach(function (person) {
      state.byHash.set(person.hash, person);
      state.byId.set(person.id, person);
    });
    // Scans still waiting to be sent count here already (a fresh list does not know them yet).
    state.queue.forEach(function (scan) {
      var person = scan.local && state.byId.get(scan.local.person_id);
      var key = placeKey(scan.track_id);
      if (person && scan.local.result === "welcome" && !person.checkins[key]) {
        person.checkins[key] = { at: scan.scanned_at, by: T.thisDevice, scan_id: scan.scan_id, pending: true };
      }
    });
  }

  // What is stored: only what answering a scan without the network needs.
  function storable(list) {
    return {
      keep_until: list.keep_until, sectors: list.sectors,
      tracks: list.tracks.map(function (track) { return { id: track.id, title: track.title }; }),
      people: list.people.map(function (person) {
        var checkins = {};
        Object.keys(person.checkins).forEach(function (key) {
          var mark = person.checkins[key];
          checkins[key] = { at: mark.at, scan_id: mark.scan_id, pending: mark.pending };
        });
        return { id: person.id, hash: person.hash, name: person.name, sector: person.sector, status: person.status,
                 mode: person.mode, tracks: person.tracks, checkins: checkins };
      }),
    };
  }

  function listChanged() {
    if (state.list && !state.gone) save("list", storable(state.list));
    renderCounts();
    renderSearch();
  }

  function expired() {
    var until = (state.list && state.list.keep_until) || S.keepUntil;
    return Boolean(until) && Date.now() >= Date.parse(until);
  }

  // The list and the scans not sent are deleted from this device, and the page says so.
  function forget(message) {
    var dropped = state.queue.length;
    state.gone = true;
    removeStored(storePrefix);
    state.list = null;
    state.queue = [];
    index();
    renderQueue();
    renderSearch();
    $("forgotten-reason").textContent = [message || "", dropped ? fmt(T.dropped, { count: dropped }) : ""].join(" ").trim();
    $("forgotten").hidden = false;
  }

  // After the event (or the link's end): send what can still be sent, then forget.
  function forgetWhenExpired() {
    if (state.gone || !expired()) return Promise.resolve();
    return sync().then(function () { forget(""); });
  }

  function refreshList() {
    state.lastRefresh = Date.now();
    if (state.gone) return Promise.resolve();
    return request("GET", S.listUrl).then(function (response) {
      if (response.status === 200 && response.data) {
        setOnline(true);
        if (state.syncing) return;  // the queue is being sent: the next refresh brings its results
        state.list = response.data;
        index();
        listChanged();
      } else if (response.status === 410 || response.status === 401 || response.status === 403) {
        // The link revoked or expired, the event over, or the organiser signed out or no longer
        // allowed: the attendees' data leaves this device.
        setOnline(true);
        var message = response.data && response.data.message;
        return sync().then(function () { forget(message); });
      } else if (response.data && response.data.message) {
        showProblem(response.data.message);
      }
    }, function () {
      setOnline(false);
    });
  }

  function saveQueue() {
    if (!state.gone) save("queue", state.queue);
    renderQueue();
  }

  function setOnline(online) {
    state.online = online;
    els.network.textContent = online ? T.online : T.offline;
    els.network.dataset.online = online ? "true" : "false";
    els.network.className = "checkin-network " + (online ? "is-online" : "is-offline");
  }

  function renderQueue() {
    var count = state.queue.length;
    els.queue.dataset.count = String(count);
    els.queue.hidden = count === 0 && !els.queue.dataset.problem;
    els.queue.textContent = els.queue.dataset.problem
      ? fmt(T.syncFailed, { reason: els.queue.dataset.problem }) + (count ? " · " + fmt(T.queued, { count: count }) : "")
      : fmt(T.queued, { count: count });
  }

  function showProblem(message) {
    els.queue.dataset.problem = message || "";
    renderQueue();
  }

  function personOf(entry) {
    var titles = {};
    (state.list ? state.list.tracks : []).forEach(function (track) { titles[track.id] = track.title; });
    return {
      id: entry.id, name: entry.name, organisation: entry.organisation, sector: entry.sector,
      sector_label: state.list ? state.list.sectors[entry.sector] : entry.sector, mode: entry.mode,
      tracks: entry.tracks.map(function (id) { return titles[id]; }).filter(Boolean),
    };
  }

  function alreadyMessage(first) {
    return first.by ? fmt(T.alreadyBy, { time: timeOf(first.at), by: first.by })
      : fmt(T.alreadyAt, { time: timeOf(first.at) });
  }

  function notesFor(entry, trackId) {
    var notes = [];
    if (entry.mode === "remote") notes.push(T.remote);
    if (trackId !== null && entry.tracks.indexOf(trackId) < 0) notes.push(T.otherTrack);
    return notes;
  }

  // --- answering a scan ---------------------------------------------------------------------

  function localAnswer(scan) {
    var found;
    if (scan.registration_id !== undefined) {
      found = Promise.resolve(state.byId.get(scan.registration_id));
    } else {
      var secret = parseCode(scan.code);
      if (!secret) return Promise.resolve({ result: "invalid", message: T.invalidMessage });
      if (!window.crypto || !crypto.subtle) return Promise.resolve({ result: "unknown", message: T.noSubtle });
      found = sha256hex(secret).then(function (hash) { return state.byHash.get(hash); });
    }
    return found.then(function (entry) {
      if (!entry) return { result: "unknown", message: T.unknownMessage };
      var person = personOf(entry);
      if (entry.status === "cancelled") return { result: "cancelled", message: T.cancelledMessage, person: person };
      if (entry.status === "waitlisted") return { result: "waitlisted", message: T.waitlistedMessage, person: person };
      var key = placeKey(scan.track_id);
      var first = entry.checkins[key];
      if (first) return { result: "already", message: alreadyMessage(first), person: person, first: first };
      entry.checkins[key] = { at: scan.scanned_at, by: T.thisDevice, scan_id: scan.scan_id, pending: true };
      listChanged();
      return {
        result: "welcome", message: fmt(T.welcomeMessage, { name: entry.name }), person: person,
        notes: notesFor(entry, scan.track_id), scan: entry.checkins[key],
      };
    });
  }

  // What the server said about a scan, written into the list.
  function applyServer(scan, answer) {
    var entry = answer.person && state.byId.get(answer.person.id);
    if (!entry) return;
    var key = placeKey(scan.track_id);
    var mark = entry.checkins[key];
    if (answer.result === "welcome" && answer.scan) {
      entry.checkins[key] = answer.scan;
    } else if (answer.result === "already" && answer.first) {
      entry.checkins[key] = answer.first;
    } else if (mark && mark.scan_id === scan.scan_id) {
      delete entry.checkins[key];
    }
    if (answer.result === "cancelled" || answer.result === "waitlisted") entry.status = answer.result;
    listChanged();
  }

  function handleScan(scan) {
    var sendNow = state.online && state.queue.length === 0
      ? request("POST", S.checkinUrl, payload(scan)).then(function (response) {
          setOnline(true);
          if (response.status === 200 && response.data) {
            applyServer(scan, response.data);
            show(response.data, scan, false);
            return true;
          }
          if (response.status < 500 && response.data) {  // refused as a request: say why
            show({ result: "invalid", message: response.data.message }, null, false);
            return true;
          }
          return false;
        }, function () {
          setOnline(false);
          return false;
        })
      : Promise.resolve(false);
    return sendNow.then(function (answered) {
      if (answered) return;
      return localAnswer(scan).then(function (answer) {
        if (answer.result !== "invalid") {
          scan.local = { result: answer.result, person_id: answer.person ? answer.person.id : null };
          state.queue.push(scan);
          saveQueue();
          if (state.online) sync();  // queued behind earlier scans: sent in their order
        }
        show(answer, scan, true);
      });
    });
  }

  function submitCode(text) {
    text = String(text || "").trim();
    if (!text) return;
    handleScan({ scan_id: uuid(), scanned_at: new Date().toISOString(), code: text, track_id: place() });
  }

  function checkInPerson(id) {
    handleScan({ scan_id: uuid(), scanned_at: new Date().toISOString(), registration_id: id, track_id: place() });
  }

  // --- sending the queue --------------------------------------------------------------------

  function sync() {
    if (state.syncing) return state.syncing;
    if (!state.queue.length) return Promise.resolve();
    state.syncing = (function next() {
      if (!state.queue.length) return Promise.resolve();
      var scan = state.queue[0];
      return request("POST", S.checkinUrl, payload(scan)).then(function (response) {
        setOnline(true);
        if (response.status >= 500) return;  // the server is unwell: try again later
        if (response.status === 410) {  // the link revoked or expired: what is queued cannot be sent
          forget(response.data && response.data.message);
          return;
        }
        if (response.status === 401 || response.status === 403) {  // signed out, or no longer allowed
          showProblem(response.data && response.data.message);
          return;
        }
        state.queue.shift();
        saveQueue();
        var answer = response.status === 200 && response.data ? response.data
          : { result: "invalid", message: (response.data && response.data.message) || "HTTP " + response.status };
        applyServer(scan, answer);
        if (!scan.local || answer.result !== scan.local.result) {
          addConflict(scan, answer);
          if (els.result.dataset.scan === scan.scan_id) show(answer, scan, false, true);  // still on screen
        }
        return next();
      }, function () {
        setOnline(false);
      });
    })().then(function () {
      state.syncing = null;
      renderQueue();
      if (!state.queue.length) {
        delete els.queue.dataset.problem;
        renderQueue();
        return refreshList();
      }
    });
    return state.syncing;
  }

  function addConflict(scan, answer) {
    var list = els.conflicts.querySelector("ul");
    var name = answer.person ? answer.person.name : (scan.code || "");
    var item = element("li", "checkin-conflict result-" + answer.result,
      fmt(T.conflict, { name: name, message: answer.message, time: timeOf(scan.scanned_at) }));
    item.dataset.result = answer.result;
    list.insertBefore(item, list.firstChild);
    els.conflicts.hidden = false;
  }

  // --- undo ---------------------------------------------------------------------------------

  function undo(scanId, personId, trackId) {
    var before = state.syncing || Promise.resolve();
    return before.then(function () {
      var entry = state.byId.get(personId);
      var key = placeKey(trackId);
      var forget = function () {
        if (entry && entry.checkins[key] && entry.checkins[key].scan_id === scanId) delete entry.checkins[key];
        listChanged();
        show({ result: "undone", message: entry ? entry.name : "", person: entry ? personOf(entry) : null }, null, false);
      };
      var queued = state.queue.findIndex(function (scan) { return scan.scan_id === scanId; });
      if (queued >= 0) {  // never sent: forgetting it is enough
        state.queue.splice(queued, 1);
        saveQueue();
        forget();
        return;
      }
      return request("POST", S.undoUrl, { event: S.event, scan_id: scanId }).then(function (response) {
        if (response.status === 200) forget();
        else show({ result: "invalid", message: response.data ? response.data.message : "HTTP " + response.status }, null, false);
      }, function () {
        setOnline(false);
        show({ result: "unknown", message: T.undoNeedsNetwork }, null, false);
      });
    });
  }

  // --- showing ------------------------------------------------------------------------------

  function sectorTag(person) {
    var tag = element("span", "sector-tag sector-" + person.sector, person.sector_label);
    return tag;
  }

  // Seat someone from the waiting list, when the server offered it (a seat is free for them).
  function seatPerson(person) {
    var scan = { scan_id: uuid(), scanned_at: new Date().toISOString(), registration_id: person.id, track_id: place() };
    var body = payload(scan);
    body.seat = true;
    return request("POST", S.checkinUrl, body).then(function (response) {
      setOnline(true);
      if (response.status === 200 && response.data) {
        var entry = state.byId.get(person.id);
        if (entry) entry.status = "confirmed";
        applyServer(scan, response.data);
        show(response.data, scan, false);
        return refreshList();
      }
      show({ result: "waitlisted", person: person,
             message: (response.data && response.data.message) || "HTTP " + response.status }, null, false);
    }, function () {
      setOnline(false);
      show({ result: "unknown", message: T.seatNeedsNetwork }, null, false);
    });
  }

  function show(answer, scan, offline, corrected) {
    var panel = els.result;
    panel.className = "checkin-result result-" + answer.result;
    panel.dataset.result = answer.result;
    panel.dataset.scan = scan ? scan.scan_id : "";
    panel.textContent = "";
    panel.appendChild(element("p", "result-word", T[answer.result] || answer.result));
    var person = answer.person;
    if (person) {
      panel.appendChild(element("p", "result-name", person.name));
      var who = element("p", "result-who");
      if (person.organisation) who.appendChild(element("span", null, person.organisation + " · "));
      who.appendChild(sectorTag(person));
      panel.appendChild(who);
      if (person.tracks && person.tracks.length) panel.appendChild(element("p", "result-tracks", person.tracks.join(" · ")));
    }
    // The word and the name say "welcome" already; every other answer says why in a sentence.
    if (answer.message && answer.result !== "undone" && answer.result !== "welcome") {
      panel.appendChild(element("p", "result-message", answer.message));
    }
    (answer.notes || []).forEach(function (note) { panel.appendChild(element("p", "result-note", note)); });
    if (offline && answer.result !== "invalid") panel.appendChild(element("p", "result-note", T.offlineNote));
    if (corrected) panel.appendChild(element("p", "result-note", T.corrected));
    if (answer.result === "waitlisted" && answer.seat && person) {
      if (answer.seat.free) {
        var seat = element("button", "button primary", T.seat);
        seat.type = "button";
        seat.dataset.testid = "seat";
        seat.addEventListener("click", function () { seatPerson(person); });
        panel.appendChild(seat);
      } else {
        panel.appendChild(element("p", "result-message", answer.seat.message));
      }
    }
    if (answer.result === "welcome" && scan && person) {
      var button = element("button", "button", T.undo);
      button.type = "button";
      button.dataset.testid = "undo";
      button.addEventListener("click", function () { undo(scan.scan_id, person.id, scan.track_id); });
      panel.appendChild(button);
    }
    if (navigator.vibrate) navigator.vibrate(answer.result === "welcome" ? 80 : [200, 80, 200]);
    // The answer and the camera's picture stay on screen together; with the camera on, the code
    // field is not focused (a phone would open its keyboard over the picture).
    if (els.view.scrollIntoView) els.view.scrollIntoView({ block: "nearest" });
    if (!camera.stream && document.activeElement !== els.search) els.code.focus({ preventScroll: true });
  }

  function renderSearch() {
    var query = fold(els.search.value.trim());
    els.found.textContent = "";
    if (query.length < 2 || !state.list) return;
    var key = placeKey(place());
    var matches = state.list.people.filter(function (person) {
      return fold(person.name + " " + (person.organisation || "")).indexOf(query) >= 0;
    }).sort(function (a, b) { return a.name.localeCompare(b.name, "lv"); }).slice(0, 20);
    if (!matches.length) {
      els.found.appendChild(element("li", "empty", T.nothingFound));
      return;
    }
    matches.forEach(function (entry) {
      var item = element("li", "checkin-person");
      item.dataset.person = String(entry.id);
      var who = element("div", "checkin-person-who");
      who.appendChild(element("strong", null, entry.name));
      var line = element("span", "checkin-person-org", entry.organisation ? entry.organisation + " · " : "");
      line.appendChild(sectorTag(personOf(entry)));
      who.appendChild(line);
      if (entry.status !== "confirmed") who.appendChild(element("span", "checkin-person-status", T["status_" + entry.status]));
      item.appendChild(who);
      var actions = element("div", "checkin-person-actions");
      var mark = entry.checkins[key];
      if (mark) {
        actions.appendChild(element("span", "checkin-person-in", fmt(T.checkedInAt, { time: timeOf(mark.at) })));
        var undoButton = element("button", "button small", T.undo);
        undoButton.type = "button";
        undoButton.addEventListener("click", function () { undo(mark.scan_id, entry.id, place()); });
        actions.appendChild(undoButton);
      } else {
        var checkButton = element("button", "button small primary", T.checkIn);
        checkButton.type = "button";
        checkButton.addEventListener("click", function () { checkInPerson(entry.id); });
        actions.appendChild(checkButton);
      }
      if (entry.status === "confirmed") {
        var badge = element("a", "button small", T.badge);
        badge.href = S.badgeUrl.replace(/\/0\.pdf$/, "/" + entry.id + ".pdf");
        badge.target = "_blank";
        badge.rel = "noopener";
        actions.appendChild(badge);
      }
      item.appendChild(actions);
      els.found.appendChild(item);
    });
  }

  // The same counting as services/arrivals.py, from the list, so that it goes on offline.
  function renderCounts() {
    if (!state.list) return;
    var total = { arrived: 0, expected: 0 };
    var sectors = {};
    var tracks = {};
    Object.keys(state.list.sectors).forEach(function (sector) { sectors[sector] = { arrived: 0, expected: 0 }; });
    state.list.tracks.forEach(function (track) {
      tracks[track.id] = { arrived: 0, expected: 0, stateArrived: 0, stateExpected: 0, room: 0 };
    });
    state.list.people.forEach(function (person) {
      if (person.status !== "confirmed") return;
      var arrived = person.checkins[DOOR] ? 1 : 0;
      var expected = person.mode === "in_person" ? 1 : 0;
      total.arrived += arrived;
      total.expected += expected;
      if (sectors[person.sector]) {
        sectors[person.sector].arrived += arrived;
        sectors[person.sector].expected += expected;
      }
      person.tracks.forEach(function (id) {
        var track = tracks[id];
        if (!track) return;
        track.arrived += arrived;
        track.expected += expected;
        if (person.sector === "state_administration") {
          track.stateArrived += arrived;
          track.stateExpected += expected;
        }
      });
      Object.keys(person.checkins).forEach(function (key) {
        if (key !== DOOR && tracks[key]) tracks[key].room += 1;
      });
    });
    $("arrived-total").textContent = total.arrived;
    $("expected-total").textContent = total.expected;
    Object.keys(sectors).forEach(function (sector) {
      var row = document.querySelector('#sector-counts tr[data-sector="' + sector + '"]');
      if (row) row.cells[1].textContent = sectors[sector].arrived + " / " + sectors[sector].expected;
    });
    Object.keys(tracks).forEach(function (id) {
      var row = document.querySelector('#track-counts tr[data-track="' + id + '"]');
      if (!row) return;
      var track = tracks[id];
      row.cells[1].textContent = track.arrived + " / " + track.expected;
      row.cells[2].textContent = track.stateArrived + " / " + track.stateExpected;
      row.cells[3].textContent = track.room;
    });
  }

  // --- the camera ---------------------------------------------------------------------------

  var camera = { stream: null, detector: null, timer: null, last: "", lastAt: 0, canvas: null };

  function cameraMessage(text) {
    els.cameraMessage.textContent = text || "";
    els.cameraMessage.hidden = !text;
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function qrReader() {
    var native = "BarcodeDetector" in window
      ? window.BarcodeDetector.getSupportedFormats().then(function (formats) {
          if (formats.indexOf("qr_code") >= 0) camera.detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        }, function () {})
      : Promise.resolve();
    return native.then(function () {
      if (camera.detector || window.jsQR) return true;
      return loadScript(S.vendorUrl).then(function () { return Boolean(window.jsQR); }, function () { return false; });
    });
  }

  function startCamera() {
    cameraMessage("");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraMessage(T.noCamera);
      return;
    }
    qrReader().then(function (ready) {
      if (!ready) {
        cameraMessage(T.noScanner);
        return;
      }
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
        .then(function (stream) {
          camera.stream = stream;
          els.video.srcObject = stream;
          els.video.hidden = false;
          els.view.classList.add("is-camera");
          if (els.view.scrollIntoView) els.view.scrollIntoView({ block: "nearest" });
          els.cameraStart.hidden = true;
          els.cameraStop.hidden = false;
          return els.video.play().then(scanFrame);
        });
    }).catch(function (error) {
      cameraMessage(fmt(T.cameraDenied, { reason: (error && (error.message || error.name)) || "" }));
      stopCamera();
    });
  }

  function stopCamera() {
    clearTimeout(camera.timer);
    if (camera.stream) camera.stream.getTracks().forEach(function (track) { track.stop(); });
    camera.stream = null;
    els.video.hidden = true;
    els.view.classList.remove("is-camera");
    els.cameraStart.hidden = false;
    els.cameraStop.hidden = true;
  }

  function readFrame() {
    var video = els.video;
    if (!camera.stream || video.readyState < 2) return Promise.resolve(null);
    if (camera.detector) {
      return camera.detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
    }
    var scale = Math.min(1, 720 / Math.max(video.videoWidth, video.videoHeight));
    var width = Math.round(video.videoWidth * scale);
    var height = Math.round(video.videoHeight * scale);
    if (!width || !height) return Promise.resolve(null);
    camera.canvas = camera.canvas || document.createElement("canvas");
    camera.canvas.width = width;
    camera.canvas.height = height;
    var context = camera.canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, width, height);
    var found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: "dontInvert" });
    return Promise.resolve(found ? found.data : null);
  }

  function scanFrame() {
    if (!camera.stream) return;
    readFrame().catch(function () { return null; }).then(function (value) {
      var now = Date.now();
      if (value && (value !== camera.last || now - camera.lastAt > 4000)) {
        camera.last = value;
        camera.lastAt = now;
        submitCode(value);
      }
      camera.timer = setTimeout(scanFrame, 150);
    });
  }

  // --- wiring -------------------------------------------------------------------------------

  els.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = els.code.value;
    els.code.value = "";
    submitCode(text);
    els.code.focus();
  });
  els.search.addEventListener("input", renderSearch);
  if (els.place) {
    var saved = load("place", "");
    if (saved && els.place.querySelector('option[value="' + saved + '"]')) els.place.value = saved;
    els.place.addEventListener("change", function () {
      save("place", els.place.value);
      renderSearch();
    });
  }
  els.cameraStart.addEventListener("click", startCamera);
  els.cameraStop.addEventListener("click", stopCamera);
  window.addEventListener("online", function () {
    setOnline(true);
    sync().then(refreshList);
  });
  window.addEventListener("offline", function () { setOnline(false); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sync().then(refreshList);
  });
  setInterval(function () {
    if (expired()) forgetWhenExpired();
    else if (state.queue.length) sync();
    else if (Date.now() - state.lastRefresh > REFRESH_MS) refreshList();
  }, RETRY_MS);

  setOnline(state.online);
  index();
  renderCounts();
  renderQueue();
  els.result.dataset.ready = "true";
  var start = expired() ? forgetWhenExpired() : sync().then(refreshList);
  start.then(function () { document.body.dataset.checkinReady = "true"; });
})();
