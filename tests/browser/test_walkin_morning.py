"""A morning at Roskilde Bibliotek (a combined site), played in a browser from kiosk to contact record."""

import re

import pytest
from playwright.sync_api import expect

from skranke.catalogue.services import catalogue_load
from skranke.contacts.models import Contact, Outcome
from skranke.organisation.demo import DEMO_CODE, demo_load
from skranke.organisation.models import Area, Counter, Municipality, Site
from skranke.queues.demo import demo_queues
from skranke.queues.models import Status, Ticket
from tests.browser.conftest import assert_accessible, log_in_at, open_all_day, screenshot
from tests.conftest import ensure_municipalities

# Transactional: the live server runs in another thread.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def morning(transactional_db):
    ensure_municipalities()
    catalogue_load()
    demo_load()
    municipality = Municipality.objects.get(code=DEMO_CODE)
    demo_queues(municipality=municipality)
    site = Site.objects.get(municipality=municipality, name="Roskilde Bibliotek")
    open_all_day(site)
    # A second Borgerservice counter, so the librarian and the officer can stand side by side.
    Counter.objects.create(site=site, name="Skranke 4", area=Area.CITIZEN_SERVICE)
    return site


def _take(page, live_server, site, text: str, button: str) -> str:
    page.goto(f"{live_server.url}/kiosk/{site.pk}/")
    page.fill("#id_text", text)
    page.locator("#kiosk-suggestions").get_by_role("button", name=button).first.click()
    expect(page.locator(".ticket-number")).to_be_visible()
    return page.locator(".ticket-number").first.inner_text().replace("Dit nummer er", "").strip()


def test_a_morning_at_the_combined_site(morning, live_server, new_page):
    site = morning
    kiosk = new_page()

    # The kiosk: the citizen types a need in their own words.
    kiosk.goto(f"{live_server.url}/kiosk/{site.pk}/")
    expect(kiosk.get_by_role("heading", name="Tag et nummer")).to_be_visible()
    assert_accessible(kiosk)
    kiosk.fill("#id_text", "nyt pas til min søn")
    expect(kiosk.locator("#kiosk-suggestions")).to_contain_text("Pas")
    screenshot(kiosk, "1-kiosk")
    assert_accessible(kiosk)
    kiosk.locator("#kiosk-suggestions").get_by_role("button", name=re.compile(r"Pas")).first.click()
    expect(kiosk.locator(".ticket-number")).to_contain_text("B 001")
    expect(kiosk.locator(".ticket")).to_contain_text("Forventet ventetid")
    expect(kiosk.locator(".ticket-qr svg")).to_be_visible()
    screenshot(kiosk, "2-ticket")
    assert_accessible(kiosk)
    # The 80 mm receipt: only the ticket, black on white.
    receipt = new_page(width=302, height=600)
    receipt.goto(kiosk.url)
    receipt.emulate_media(media="print")
    expect(receipt.locator(".kiosk-ticket-actions")).to_be_hidden()
    expect(receipt.locator("header")).to_be_hidden()
    screenshot(receipt, "2-ticket-print")
    passport = Ticket.objects.get(queue__site=site, number=1, queue__letter="B")
    assert [s.key for s in passport.services.all()] == ["passport-application"]
    assert passport.estimate_high is not None

    # The phone page, from the ticket's QR code: position and wait.
    phone = new_page(width=390, height=800)
    phone.goto(f"{live_server.url}/nummer/{passport.token}/")
    expect(phone.locator(".phone-number")).to_have_text("B 001")
    expect(phone.locator(".phone-lead")).to_contain_text("Forventet ventetid")
    screenshot(phone, "3-phone-waiting")
    assert_accessible(phone)

    # Two more citizens: MitID (library staff may do it here) and a library matter (a big button).
    mitid_label = _take(kiosk, live_server, site, "jeg skal have mitid", "MitID")
    assert mitid_label == "B 002"
    kiosk.goto(f"{live_server.url}/kiosk/{site.pk}/")
    kiosk.locator(".kiosk-group-library .kiosk-buttons").first.get_by_role("button").first.click()
    expect(kiosk.locator(".ticket-number")).to_contain_text("L 001")

    # A library employee at a Borgerservice counter: call next skips the passport she may not handle.
    lise = log_in_at(new_page, live_server.url, "lise", Counter.objects.get(site=site, name="Skranke 4"), check=True)
    lise.get_by_role("button", name="Kald næste").click()
    expect(lise.locator(".counter-ticket-number")).to_contain_text("B 002")
    assert Ticket.objects.get(pk=passport.pk).status == Status.WAITING

    # The Borgerservice officer calls the passport ticket.
    birgit = log_in_at(new_page, live_server.url, "birgit", Counter.objects.get(site=site, name="Skranke 3"))
    birgit.get_by_role("button", name="Kald næste").click()
    expect(birgit.locator(".counter-ticket-number")).to_contain_text("B 001")
    expect(birgit.locator(".guidance-panel")).to_contain_text("Borgeren skal medbringe")

    # A librarian at a library counter calls the book return.
    jonas = log_in_at(new_page, live_server.url, "jonas", Counter.objects.get(site=site, name="Skranke 1"))
    jonas.get_by_role("button", name="Kald næste").click()
    expect(jonas.locator(".counter-ticket-number")).to_contain_text("L 001")

    # The phone page says where to go, within a poll or two.
    expect(phone.locator(".phone-called")).to_have_text("Du er kaldt til Skranke 3", timeout=5000)

    # The display board: each call in its own labelled column.
    board = new_page(width=1600, height=900)
    board.goto(f"{live_server.url}/tavle/{site.pk}/")
    library = board.locator(".board-column-library")
    citizen = board.locator(".board-column-citizen-service")
    expect(library).to_contain_text("Bibliotek")
    expect(library).to_contain_text("L 001")
    expect(citizen).to_contain_text("Borgerservice")
    expect(citizen).to_contain_text("B 001")
    expect(citizen).to_contain_text("B 002")
    expect(library).not_to_contain_text("B 00")
    screenshot(board, "4-board")
    assert_accessible(board)

    # The counter finishes with an outcome per service; the contact is recorded.
    birgit.get_by_role("button", name="Borgeren er kommet").click()
    expect(birgit.locator(".counter-ticket-number")).to_contain_text("Betjenes")
    screenshot(birgit, "5-counter")
    assert_accessible(birgit)
    birgit.locator("fieldset.counter-line").first.locator("label", has_text="Løst").click()
    birgit.get_by_role("button", name="Afslut og registrér").click()
    expect(birgit.locator(".skranke-messages")).to_contain_text("afsluttet")
    contact = Contact.objects.get(ticket=passport)
    assert contact.staff.username == "birgit"
    assert contact.area == Area.CITIZEN_SERVICE
    assert [(line.service.key, line.outcome) for line in contact.lines.all()] == [
        ("passport-application", Outcome.RESOLVED)
    ]
    assert Ticket.objects.get(pk=passport.pk).status == Status.DONE
    expect(phone.locator(".phone-lead")).to_contain_text("Tak for besøget", timeout=5000)

    # The one question after the visit, on the phone: five faces, each with its words.
    expect(phone.get_by_text("Hvordan var din oplevelse i dag?")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_text("Tilfreds", exact=True).click()
    screenshot(phone, "3b-phone-satisfaction")
    phone.get_by_role("button", name="Send svar").click()
    expect(phone.locator(".skranke-messages")).to_contain_text("Tak for dit svar")
    assert contact.satisfaction.face == 4

    # The queue overview for the site's staff.
    birgit.goto(f"{live_server.url}/koeer/")
    expect(birgit.locator(".queue-overview")).to_contain_text("Borgerservice")
    assert_accessible(birgit)
