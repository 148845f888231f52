/* The page: the big panel with the answer to a scan, the network and queue lines, the scans
 * checked once the network came back, the search by name, and the counts. Every word shown comes
 * from the page's settings (`T`), in its language. Nothing here runs until createView is called.
 */
import { placeKey } from "./tallies.js";

/** Fills "%(name)s" placeholders, as the server's gettext strings have them. */
export function fmt(template, values) {
  return String(template).replace(/%\((\w+)\)s/g, (_, name) => (values[name] === undefined ? "" : String(values[name])));
}

/** Hours and minutes of a moment, in Riga. */
export function timeOf(iso, locale) {
  try {
    return new Date(iso).toLocaleTimeString(locale === "en" ? "en-GB" : "lv-LV",
      { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Riga" });
  } catch (error) {
    return String(iso).slice(11, 16);
  }
}

/** Lower case without accents: "Līga" is found as "liga". */
function fold(text) {
  return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function button(className, text, onClick, testid) {
  const node = element("button", className, text);
  node.type = "button";
  if (testid) node.dataset.testid = testid;
  node.addEventListener("click", onClick);
  return node;
}

function sectorTag(person) {
  return element("span", "sector-tag sector-" + person.sector, person.sector_label);
}

/**
 * `actions`: {undo(scanId, personId, trackId), seat(person), checkIn(registrationId)}, called by
 * the buttons shown; `cameraOn()`: whether the camera is reading (the code field is then not focused).
 */
export function createView(S, T, actions, cameraOn) {
  const $ = (id) => document.getElementById(id);
  const els = {
    place: $("place"), code: $("code"), result: $("result"), view: $("view"),
    network: $("network"), queue: $("queue"), conflicts: $("conflicts"), search: $("search"), found: $("found"),
  };
  let queued = 0;
  const time = (iso) => timeOf(iso, S.locale);

  function renderQueue(count = queued) {
    queued = count;
    const problem = els.queue.dataset.problem;
    els.queue.dataset.count = String(count);
    els.queue.hidden = count === 0 && !problem;
    els.queue.textContent = problem
      ? fmt(T.syncFailed, { reason: problem }) + (count ? " · " + fmt(T.queued, { count }) : "")
      : fmt(T.queued, { count });
  }

  function show(answer, scan, offline, corrected) {
    const panel = els.result;
    panel.className = "checkin-result result-" + answer.result;
    panel.dataset.result = answer.result;
    panel.dataset.scan = scan ? scan.scan_id : "";
    panel.textContent = "";
    panel.appendChild(element("p", "result-word", T[answer.result] || answer.result));
    const person = answer.person;
    if (person) {
      panel.appendChild(element("p", "result-name", person.name));
      const who = element("p", "result-who");
      if (person.organisation) who.appendChild(element("span", null, person.organisation + " · "));
      who.appendChild(sectorTag(person));
      panel.appendChild(who);
      if (person.tracks && person.tracks.length) panel.appendChild(element("p", "result-tracks", person.tracks.join(" · ")));
    }
    // The word and the name say "welcome" already; every other answer says why in a sentence.
    if (answer.message && answer.result !== "undone" && answer.result !== "welcome") {
      panel.appendChild(element("p", "result-message", answer.message));
    }
    for (const note of answer.notes || []) panel.appendChild(element("p", "result-note", note));
    if (offline && answer.result !== "invalid") panel.appendChild(element("p", "result-note", T.offlineNote));
    if (corrected) panel.appendChild(element("p", "result-note", T.corrected));
    if (answer.result === "waitlisted" && answer.seat && person) {
      if (answer.seat.free) panel.appendChild(button("button primary", T.seat, () => actions.seat(person), "seat"));
      else panel.appendChild(element("p", "result-message", answer.seat.message));
    }
    if (answer.result === "welcome" && scan && person) {
      panel.appendChild(button("button", T.undo, () => actions.undo(scan.scan_id, person.id, scan.track_id), "undo"));
    }
    if (navigator.vibrate) navigator.vibrate(answer.result === "welcome" ? 80 : [200, 80, 200]);
    // The answer and the camera's picture stay on screen together; with the camera on, the code
    // field is not focused (a phone would open its keyboard over the picture).
    if (els.view.scrollIntoView) els.view.scrollIntoView({ block: "nearest" });
    if (!cameraOn() && document.activeElement !== els.search) els.code.focus({ preventScroll: true });
  }

  function searchItem(store, entry, key) {
    const item = element("li", "checkin-person");
    item.dataset.person = String(entry.id);
    const who = element("div", "checkin-person-who");
    who.appendChild(element("strong", null, entry.name));
    const line = element("span", "checkin-person-org", entry.organisation ? entry.organisation + " · " : "");
    line.appendChild(sectorTag(store.personOf(entry)));
    who.appendChild(line);
    if (entry.status !== "confirmed") who.appendChild(element("span", "checkin-person-status", T["status_" + entry.status]));
    item.appendChild(who);
    const buttons = element("div", "checkin-person-actions");
    const mark = entry.checkins[key];
    if (mark) {
      buttons.appendChild(element("span", "checkin-person-in", fmt(T.checkedInAt, { time: time(mark.at) })));
      buttons.appendChild(button("button small", T.undo, () => actions.undo(mark.scan_id, entry.id, place())));
    } else {
      buttons.appendChild(button("button small primary", T.checkIn, () => actions.checkIn(entry.id)));
    }
    if (entry.status === "confirmed") {
      const badge = element("a", "button small", T.badge);
      badge.href = S.badgeUrl.replace(/\/0\.pdf$/, "/" + entry.id + ".pdf");
      badge.target = "_blank";
      badge.rel = "noopener";
      buttons.appendChild(badge);
    }
    item.appendChild(buttons);
    return item;
  }

  function place() {
    return els.place && els.place.value ? Number(els.place.value) : null;
  }

  return {
    els,
    place,
    show,
    renderQueue,
    time,

    setOnline(online) {
      els.network.textContent = online ? T.online : T.offline;
      els.network.dataset.online = online ? "true" : "false";
      els.network.className = "checkin-network " + (online ? "is-online" : "is-offline");
    },

    showProblem(message) {
      els.queue.dataset.problem = message || "";
      renderQueue();
    },

    clearProblem() {
      delete els.queue.dataset.problem;
      renderQueue();
    },

    /** The scan whose answer the big panel shows. */
    shownScan() {
      return els.result.dataset.scan;
    },

    addConflict(scan, answer) {
      const list = els.conflicts.querySelector("ul");
      const name = answer.person ? answer.person.name : (scan.code || "");
      const item = element("li", "checkin-conflict result-" + answer.result,
        fmt(T.conflict, { name, message: answer.message, time: time(scan.scanned_at) }));
      item.dataset.result = answer.result;
      list.insertBefore(item, list.firstChild);
      els.conflicts.hidden = false;
    },

    showForgotten(message, dropped) {
      $("forgotten-reason").textContent = [message || "", dropped ? fmt(T.dropped, { count: dropped }) : ""].join(" ").trim();
      $("forgotten").hidden = false;
    },

    renderSearch(store) {
      const query = fold(els.search.value.trim());
      els.found.textContent = "";
      if (query.length < 2 || !store.list) return;
      const key = placeKey(place());
      const matches = store.list.people
        .filter((person) => fold(person.name + " " + (person.organisation || "")).indexOf(query) >= 0)
        .sort((a, b) => a.name.localeCompare(b.name, "lv"))
        .slice(0, 20);
      if (!matches.length) {
        els.found.appendChild(element("li", "empty", T.nothingFound));
        return;
      }
      for (const entry of matches) els.found.appendChild(searchItem(store, entry, key));
    },

    /** The counts of tallies.countArrivals, into the page's tables. */
    renderCounts(counts) {
      $("arrived-total").textContent = counts.total.arrived;
      $("expected-total").textContent = counts.total.expected;
      for (const [sector, tally] of Object.entries(counts.sectors)) {
        const row = document.querySelector('#sector-counts tr[data-sector="' + sector + '"]');
        if (row) row.cells[1].textContent = tally.arrived + " / " + tally.expected;
      }
      for (const [id, track] of Object.entries(counts.tracks)) {
        const row = document.querySelector('#track-counts tr[data-track="' + id + '"]');
        if (!row) continue;
        row.cells[1].textContent = track.arrived + " / " + track.expected;
        row.cells[2].textContent = track.state_administration.arrived + " / " + track.state_administration.expected;
        row.cells[3].textContent = track.in_room;
      }
    },
  };
}
