// Forms: focus the error summary; the organisation field searches the directory as you type.
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  function organisationSearch(box) {
    var input = box.querySelector("input[name=organisation]");
    var list = box.querySelector("[role=listbox]");
    var note = box.querySelector("#sector-from-directory");
    var sectorGroup = document.getElementById("sector");
    if (!input || !list) { return; }
    var url = box.getAttribute("data-organisation-search");
    var results = [];
    var active = -1;
    var pending = null;
    var asked = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function showSector(org) {
      if (!sectorGroup || !note) { return; }
      if (org) {
        var radio = sectorGroup.querySelector("input[value='" + org.sector + "']");
        if (radio) { radio.checked = true; }
        note.querySelector("strong").textContent = org.sector_label;
        note.hidden = false;
        sectorGroup.hidden = true;
      } else {
        note.hidden = true;
        sectorGroup.hidden = false;
      }
    }

    function choose(index) {
      var org = results[index];
      if (!org) { return; }
      input.value = org.name;
      showSector(org);
      close();
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (items[index]) { input.setAttribute("aria-activedescendant", items[index].id); }
    }

    function render() {
      list.textContent = "";
      results.forEach(function (org, i) {
        var item = document.createElement("li");
        item.id = "organisation-option-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = org.name;
        var sector = document.createElement("small");
        sector.textContent = " · " + org.sector_label;
        item.appendChild(sector);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(item);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      active = -1;
    }

    function matchTyped() {
      var typed = input.value.trim();
      var found = null;
      results.forEach(function (org) { if (org.name === typed) { found = org; } });
      showSector(found);
    }

    function search() {
      var query = input.value.trim();
      if (query === asked) { return; }
      asked = query;
      if (!query) { results = []; render(); matchTyped(); return; }
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) {
          if (query !== input.value.trim()) { return; }
          results = found;
          render();
          matchTyped();
        })
        .catch(function () { results = []; render(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, results.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", close);
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    document.querySelectorAll("[data-organisation-search]").forEach(organisationSearch);
  });
})();
