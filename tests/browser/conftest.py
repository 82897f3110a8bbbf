"""Browser tests: pytest-playwright driving Debian's chromium against a live server.

Chromium comes from Debian (`apt-get install chromium`, done by .ci/run);
`playwright install` cannot download a browser here. Without it the tests
are skipped, unless SKRANKE_REQUIRE_BROWSER is set (CI sets it), where they fail.
"""

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from skranke.insights.simulation import simulate
from skranke.organisation.demo import DEMO_CODE, DEMO_PASSWORD
from skranke.organisation.models import Municipality, OpeningHours
from tests.conftest import demo_municipality

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The days simulated_week simulates, up to yesterday.
DAYS = 7
SCREENSHOTS = Path(os.environ.get("SKRANKE_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"))

# Playwright's sync API runs an event loop in the test's thread; the test's
# own database calls are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists() or os.environ.get("SKRANKE_REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as a script; the pages' own policy allows no inline script.
    return {**browser_context_args, "locale": "da-DK", "bypass_csp": True, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def new_page(browser):
    """new_page(width=, height=): a page in a context of its own (own cookies: one person), Danish, axe-core
    allowed in. Every context is closed after the test, so no page goes on polling the live server."""
    contexts = []

    def make(*, width: int = 1280, height: int = 900):
        context = browser.new_context(locale="da-DK", bypass_csp=True, viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


SERIOUS = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG violations axe-core finds on the page as it is now (once it has loaded: a
    script added while a navigation is under way has no document to go into)."""
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}: {json.dumps(violations, indent=1, ensure_ascii=False)}"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, base_url: str, username: str, *, check: bool = False) -> None:
    """Sign in as a demo user (password DEMO_PASSWORD) on the login page; `check`: axe on the login page and after."""
    page.goto(f"{base_url}/login/")
    if check:
        assert_accessible(page)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form:has(input[name=username]) button[type=submit]")
    page.wait_for_load_state("load")
    if check:
        assert_accessible(page)


def log_in_at(new_page, base_url: str, username: str, counter, *, check: bool = False):
    """A new page, signed in as `username` and standing at `counter`: the counter screen."""
    page = new_page()
    log_in(page, base_url, username, check=check)
    page.select_option("select[name=counter]", str(counter.pk))
    page.click("form[action$='/skranke/'] button[type=submit]:not([name=leave])")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Betjening")
    return page


def open_all_day(site) -> None:
    """Every area of the site open from midnight to 23:59 every day, whatever time the test runs."""
    OpeningHours.objects.filter(site=site).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(site=site, area=area, weekday=weekday, opens=dt.time(0), closes=dt.time(23, 59))
        for area in site.areas
        for weekday in range(7)
    )


def simulated_demo(*, days: int, volume: float) -> Municipality:
    """The demo municipality with its queues and bookings, and `days` simulated counter days up to yesterday."""
    municipality = demo_municipality()
    simulate(municipality=municipality, days=days, seed=DEMO_CODE, volume=volume)
    return municipality


@pytest.fixture
def simulated_week(transactional_db):
    """The demo municipality with DAYS simulated counter days up to yesterday, its queues and bookings."""
    return simulated_demo(days=DAYS, volume=0.5)
