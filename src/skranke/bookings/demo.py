"""The demo municipality's appointments: passports, driving licences and MitID by appointment at its Borgerservice."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from skranke.bookings.models import Appointment, BookableService, BookingSetup, Closure
from skranke.bookings.selectors import free_slots
from skranke.bookings.services import appointment_book
from skranke.catalogue.models import Service
from skranke.organisation.models import Area, Municipality

# key, lanes, emergency slots per day (released 08:00)
BOOKABLE = [
    ("passport-application", 2, 1),
    ("driving-licence-renewal", 2, 0),
    ("mitid-issuance", 1, 0),
]
# site name -> lanes
SETUPS = {"Borgerservice Roskilde": 3, "Roskilde Bibliotek": 1}
CITIZENS = [
    ("Mette Sørensen", "mette@example.org", ["passport-application", "driving-licence-renewal"]),
    ("Karim Haddad", "karim@example.org", ["passport-application"]),
    ("Inge Lund", "", ["mitid-issuance"]),
    ("Peter Holm", "peter@example.org", ["driving-licence-renewal"]),
    ("Sofie Nielsen", "sofie@example.org", ["passport-application"]),
]


@transaction.atomic
def demo_bookings(*, municipality: Municipality, now: dt.datetime | None = None) -> list[Appointment]:
    """Set up booking at the Borgerservice sites that have none, with closures and a few appointments."""
    now = now or timezone.now()
    services = {s.key: s for s in Service.objects.filter(key__in=[key for key, _lanes, _slots in BOOKABLE])}
    made = []
    for site in municipality.sites.filter(active=True, name__in=SETUPS):
        if Area.CITIZEN_SERVICE not in site.areas:
            continue
        setup, created = BookingSetup.objects.get_or_create(
            site=site, area=Area.CITIZEN_SERVICE, defaults={"lanes": SETUPS[site.name]}
        )
        if not created:
            continue
        for key, lanes, slots in BOOKABLE:
            if key in services:
                BookableService.objects.create(
                    setup=setup,
                    service=services[key],
                    lanes=min(lanes, setup.lanes),
                    emergency_slots=slots,
                    emergency_release=dt.time(8) if slots else None,
                )
        Closure.objects.create(
            site=site, first_day=dt.date(2024, 12, 24), last_day=dt.date(2024, 12, 31), reason="Jul", yearly=True
        )
        staff_day = timezone.localdate(now) + dt.timedelta(days=10)
        Closure.objects.create(
            site=site, area=Area.CITIZEN_SERVICE, first_day=staff_day, last_day=staff_day, reason="Personaledag"
        )
        for index, (name, email, keys) in enumerate(CITIZENS):
            wanted = [services[k] for k in keys if k in services]
            if not wanted:
                continue
            slots = free_slots(municipality=municipality, services=wanted, site=site, weeks=2, now=now)
            if len(slots) <= index * 5:
                continue
            made.append(
                appointment_book(
                    services=wanted,
                    site=site,
                    start=slots[index * 5].starts_at,
                    name=name,
                    email=email,
                    phone="" if email else "20304050",
                    now=now,
                )
            )
    return made
