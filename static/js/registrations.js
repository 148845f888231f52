/* The organisers' registrations list: a "select everyone on this page" box, the number selected,
 * and the question asked before a bulk action (only cancelling asks). Without this module the
 * list works the same, a box at a time. */
const form = document.getElementById("bulk");
const all = document.getElementById("select-all");

if (form) {
  const boxes = () => Array.from(document.querySelectorAll('input[type="checkbox"][name="ids"][form="bulk"]'));
  const count = form.querySelector("[data-selected-count]");
  const action = form.querySelector('select[name="action"]');
  const countText = (n) => (count.getAttribute("data-text") || "{n}").replace("{n}", String(n));

  const update = () => {
    const list = boxes();
    const ticked = list.filter((box) => box.checked).length;
    if (count) count.textContent = ticked ? countText(ticked) : "";
    if (all) {
      all.checked = list.length > 0 && ticked === list.length;
      all.indeterminate = ticked > 0 && ticked < list.length;
    }
  };

  const question = () => {
    if (action && action.value === "cancel") {
      form.setAttribute("data-confirm", form.getAttribute("data-confirm-cancel") || "");
    } else {
      form.removeAttribute("data-confirm");
    }
  };

  if (all) {
    all.closest("label").hidden = false;
    all.addEventListener("change", () => {
      boxes().forEach((box) => { box.checked = all.checked; });
      update();
    });
  }
  document.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.name === "ids") update();
  });
  if (action) action.addEventListener("change", question);
  question();
  update();
}

/* One row menu open at a time; Escape closes it and gives the focus back to its button. */
const menus = () => Array.from(document.querySelectorAll("details.menu"));
menus().forEach((menu) => {
  menu.addEventListener("toggle", () => {
    if (menu.open) menus().forEach((other) => { if (other !== menu) other.open = false; });
  });
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
});
