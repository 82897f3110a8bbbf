"""Every page reads on a 320 px wide screen without scrolling sideways (WCAG 2.1 1.4.10, reflow).

A wide table may scroll inside its own focusable region (`table--responsive-scroll`); the page itself
may not. Public pages, a librarian's (lise) and a manager's (hanne), with simulated days behind them so that the
tables and charts have rows (two simulated days).
"""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.organisation.demo import DEMO_CODE
from skranke.organisation.models import Site
from tests.browser.conftest import log_in, open_all_day, simulated_demo

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 320
# Enough simulated days for every table and chart to have rows.
DAYS = 2

# What sticks out to the right of the screen, outside a region that scrolls on its own.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table--responsive-scroll'))
    .slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className ? '.' + e.className : ''));
}"""


def test_every_page_fits_a_320_px_screen(transactional_db, live_server, new_page):
    municipality = simulated_demo(days=DAYS, volume=0.3)
    site = Site.objects.get(municipality=municipality, name="Roskilde Bibliotek")
    open_all_day(site)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    period = f"fra={(yesterday - dt.timedelta(days=DAYS - 1)).isoformat()}&til={yesterday.isoformat()}"
    base = live_server.url
    too_wide = {}

    def check(page, path: str | None = None) -> None:
        if path is not None:
            page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.clientWidth") == WIDTH
        found = page.evaluate(STICKING_OUT)
        if found:
            too_wide[page.url.removeprefix(base)] = found

    citizen = new_page(width=WIDTH, height=640)
    check(citizen, f"/kiosk/{site.pk}/")
    citizen.locator(".kiosk-group-library button[name=service]:visible").first.click()
    assert "/nummer/?t=" in citizen.url, citizen.url
    check(citizen)
    check(citizen, f"/nummer/{citizen.url.split('t=')[1]}/")
    for path in (f"/tavle/{site.pk}/", f"/tid/{DEMO_CODE}/", "/login/", "/tilgaengelighed/"):
        check(citizen, path)

    staff_pages = {
        "lise": (
            "/",
            "/ydelser/",
            "/ydelser/passport-application/",
            "/livssituationer/",
            "/koeer/",
            "/tider/",
            "/tider/bestil/",
        ),
        "hanne": (
            "/logning/",
            "/logning/indsigt/",
            f"/indsigt/?{period}",
            f"/indsigt/kvalitet/?{period}",
            f"/indsigt/bemanding/?{period}",
        ),
    }
    for username, paths in staff_pages.items():
        page = new_page(width=WIDTH, height=640)
        log_in(page, base, username)
        for path in paths:
            check(page, path)

    assert not too_wide, f"Wider than {WIDTH} px: {too_wide}"
