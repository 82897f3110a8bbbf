"""A citizen books online, cancels, books again, checks in at the kiosk and is called before an earlier walk-in."""

import re
from urllib.request import urlopen

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from skranke.bookings.models import Appointment, BookableService, BookingSetup, Closure, Status
from skranke.organisation.demo import DEMO_CODE
from skranke.organisation.models import Area, Counter, Site
from skranke.queues.models import Channel, Ticket
from tests.browser.conftest import assert_accessible, log_in_at, open_all_day, screenshot
from tests.conftest import demo_municipality

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def booking_site(transactional_db):
    """Roskilde Bibliotek's Borgerservice open and bookable all day, every day, from now on."""
    municipality = demo_municipality()
    site = Site.objects.get(municipality=municipality, name="Roskilde Bibliotek")
    open_all_day(site)
    setup = BookingSetup.objects.get(site=site, area=Area.CITIZEN_SERVICE)
    # The test books the next free time and checks in right away: no notice, no held-back slots, no closures.
    BookableService.objects.filter(setup=setup).update(min_notice_minutes=0, emergency_slots=0, emergency_release=None)
    Closure.objects.filter(site=site).delete()
    Appointment.objects.filter(site=site).delete()
    return site


def _book(page, live_server, municipality_code: int) -> str:
    """Through the citizen's pages: passport and driving licence in one visit, the first free time."""
    page.goto(f"{live_server.url}/tid/{municipality_code}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bestil tid")
    page.get_by_label("Pas – ansøgning").check()
    page.get_by_label(re.compile(r"Kørekort – fornyelse")).check()
    page.get_by_role("button", name="Find ledige tider").click()
    page.select_option("select[name=sted]", label="Roskilde Bibliotek")
    page.get_by_role("button", name="Vis tider").click()
    expect(page.locator(".booking-time").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "6-booking-times")
    page.locator(".booking-time").first.click()
    expect(page.get_by_label("Navn")).to_be_visible()  # the details form has loaded
    assert_accessible(page)
    page.get_by_label("Navn").fill("Karen Hansen")
    page.get_by_label(re.compile("^E-mail")).fill("karen@example.dk")
    page.get_by_role("button", name="Videre").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tjek og bekræft")
    assert_accessible(page)
    page.get_by_role("button", name="Bekræft bestilling").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Din tid er bestilt")
    return page.locator(".booking-code strong").inner_text()


def test_book_cancel_book_again_check_in_and_be_called_first(booking_site, live_server, new_page):
    site = booking_site
    citizen = new_page(width=390, height=900)

    # Book passport and driving licence renewal in one visit.
    citizen.goto(f"{live_server.url}/tid/{DEMO_CODE}/")
    assert_accessible(citizen)
    screenshot(citizen, "6-booking-services")  # the times page is 6-booking-times
    first_code = _book(citizen, live_server, DEMO_CODE)
    assert_accessible(citizen)
    screenshot(citizen, "7-booking-confirmed")
    appointment = Appointment.objects.get(code=first_code)
    assert [line.service.key for line in appointment.appointment_services.all()] == [
        "passport-application",
        "driving-licence-renewal",
    ]

    # The calendar file, parsed back.
    ics_url = citizen.get_by_role("link", name="Hent kalenderfil (.ics)").get_attribute("href")
    with urlopen(f"{live_server.url}{ics_url}") as response:
        event = Calendar.from_ical(response.read()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == appointment.starts_at
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Copenhagen"
    assert first_code in str(event["description"])

    # Cancel by the link.
    citizen.get_by_role("link", name="Aflys eller flyt tiden").click()
    expect(citizen.get_by_role("button", name="Aflys tiden")).to_be_visible()  # the booking's page has loaded
    assert_accessible(citizen)
    citizen.get_by_role("button", name="Aflys tiden").click()
    expect(citizen.locator(".skranke-messages")).to_contain_text("Din tid er aflyst")
    assert Appointment.objects.get(code=first_code).status == Status.CANCELLED

    # Book again: the same first free time is free again.
    code = _book(citizen, live_server, DEMO_CODE)
    assert code != first_code
    appointment = Appointment.objects.get(code=code)
    assert appointment.starts_at == Appointment.objects.get(code=first_code).starts_at

    # Late in the evening the first free time is tomorrow, and a code checks in on its own day only
    # ("Din tid er lørdag ... kl. 00.00, ikke i dag"): the booked visit then starts now instead.
    if timezone.localdate(appointment.starts_at) != timezone.localdate():
        now = timezone.now().replace(microsecond=0)
        Appointment.objects.filter(pk=appointment.pk).update(
            starts_at=now, ends_at=now + (appointment.ends_at - appointment.starts_at)
        )

    # A walk-in takes a number first.
    kiosk = new_page()
    kiosk.goto(f"{live_server.url}/kiosk/{site.pk}/")
    kiosk.locator(".kiosk-group-citizen-service .kiosk-buttons").first.get_by_role("button").first.click()
    expect(kiosk.locator(".ticket-number")).to_be_visible()
    walk_in = Ticket.objects.get(queue__site=site, channel=Channel.WALK_IN)

    # The booked citizen checks in with the code and gets a ticket served before walk-ins.
    kiosk.goto(f"{live_server.url}/kiosk/{site.pk}/")
    kiosk.get_by_label("Har du bestilt tid? Tjek ind med din bookingkode").fill(code.lower())
    screenshot(kiosk, "8-kiosk-check-in")
    kiosk.get_by_role("button", name="Tjek ind").click()
    expect(kiosk.locator(".skranke-messages")).to_contain_text("Du er tjekket ind")
    assert_accessible(kiosk)
    screenshot(kiosk, "9-check-in-ticket")
    appointment.refresh_from_db()
    assert appointment.status == Status.CHECKED_IN
    assert appointment.ticket.channel == Channel.APPOINTMENT
    assert appointment.ticket.issued_at > walk_in.issued_at

    # The Borgerservice officer calls next: the appointment, not the earlier walk-in.
    birgit = log_in_at(new_page, live_server.url, "birgit", Counter.objects.get(site=site, name="Skranke 3"))
    birgit.get_by_role("button", name="Kald næste").click()
    expect(birgit.locator(".counter-ticket-number")).to_contain_text(appointment.ticket.label)

    # The staff's day: the appointment checked in, with its ticket.
    birgit.goto(f"{live_server.url}/tider/?sted={site.pk}")
    expect(birgit.locator("table")).to_contain_text(code)
    expect(birgit.locator("table")).to_contain_text("Tjekket ind")
    screenshot(birgit, "10-appointments-day")
    assert_accessible(birgit)
