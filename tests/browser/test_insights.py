"""A manager reads a week of simulated counter days: the key figures, the quality comparison and the staffing plan."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DAYS, SCREENSHOTS, assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_reads_the_evidence(simulated_week, live_server, new_page):
    page = new_page(width=1280, height=900)
    log_in(page, live_server.url, "hanne")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    period = f"fra={(yesterday - dt.timedelta(days=DAYS - 1)).isoformat()}&til={yesterday.isoformat()}"

    page.goto(f"{live_server.url}/indsigt/?{period}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Indsigt – Roskilde")
    expect(page.locator(".insights-cards")).to_contain_text("henvendelser")
    expect(page.get_by_role("table", name="Ventetid efter klokkeslæt")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "11-insights")

    page.get_by_role("link", name="Bibliotek og Borgerservice: kvaliteten af myndighedsopgaverne sammenlignet").click()
    expect(page.get_by_role("heading", name="Alle myndighedsopgaver")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "12-quality")
    # The first comparison at full size: the full page is too long to read.
    page.get_by_role("heading", name="Alle myndighedsopgaver").evaluate("e => e.scrollIntoView()")
    page.screenshot(path=str(SCREENSHOTS / "12-quality-first.png"))

    page.goto(f"{live_server.url}/indsigt/bemanding/?{period}")
    expect(page.get_by_role("table", name="Skranker time for time")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "13-staffing")
