/* A wide table (or chart) scrolls sideways inside its own box on a phone instead of the whole
 * page. While it is wider than its box, the box can take the keyboard's focus (so that the arrow
 * keys scroll it) and is announced as a region named after its table's caption or the heading
 * above it; when it fits, it is left as plain markup, with no extra stop for the Tab key. */
const SCROLLERS = ".table-scroll, .chart";

function nameOf(box) {
  const caption = box.querySelector("caption");
  if (caption && caption.textContent.trim()) return caption.textContent.trim();
  let heading = null;
  for (const h of document.querySelectorAll("main h1, main h2, main h3, main h4")) {
    if (h.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) heading = h;
    else break;
  }
  return heading ? heading.textContent.replace(/\s+/g, " ").trim() : document.title;
}

function update(box) {
  const scrolls = box.scrollWidth > box.clientWidth + 1;
  if (scrolls && !box.hasAttribute("tabindex")) {
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      box.setAttribute("aria-label", nameOf(box));
      box.dataset.namedByScript = "true";
    }
    box.dataset.scrollRegion = "true";
  } else if (!scrolls && box.dataset.scrollRegion === "true") {
    box.removeAttribute("tabindex");
    box.removeAttribute("role");
    if (box.dataset.namedByScript === "true") box.removeAttribute("aria-label");
    delete box.dataset.scrollRegion;
    delete box.dataset.namedByScript;
  }
}

function updateAll() {
  document.querySelectorAll(SCROLLERS).forEach(update);
}

updateAll();
if ("ResizeObserver" in window) {
  // The box and what it holds: a table grows when a script adds rows, and a closed <details> opens.
  const observer = new ResizeObserver((entries) => entries.forEach((entry) => update(entry.target.closest(SCROLLERS))));
  document.querySelectorAll(SCROLLERS).forEach((box) => {
    observer.observe(box);
    if (box.firstElementChild) observer.observe(box.firstElementChild);
  });
} else {
  window.addEventListener("resize", updateAll);
}
