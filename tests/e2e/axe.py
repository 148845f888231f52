"""axe-core (from npm, package.json's devDependencies) run inside the browser tests' pages.

The script is added to the browser context as an init script, which the browser runs in every
page before the page's own code and outside its content policy: the pages keep their strict CSP
while axe checks them. `make static/vendor` (or `npm ci`) installs it; without it the tests fail.
"""
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 levels A and AA, the level public services in Latvia are held to.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

RUN = """async (tags) => {
  const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""


def install(context: BrowserContext) -> None:
    """Makes `window.axe` available in every page the context opens."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed ({AXE.name} missing): run `make static/vendor` (npm ci).", pytrace=False)
    context.add_init_script(path=str(AXE))


def violations(page: Page) -> list[dict]:
    """axe's serious and critical violations on the page as it is now (once the page's scripts have
    seen its last change of size: a resize observer answers in the next frame)."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    found = page.evaluate(RUN, TAGS)
    return [v for v in found if v["impact"] in BLOCKING]


def describe(where: str, found: list[dict]) -> list[str]:
    """One readable line per violation: where, the rule, its impact and the elements it found."""
    return [f"{where}: {v['id']} ({v['impact']}: {v['help']}) at {', '.join(v['targets'][:6])}"
            + (f" and {len(v['targets']) - 6} more" if len(v["targets"]) > 6 else "")
            for v in found]


def document_width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")
