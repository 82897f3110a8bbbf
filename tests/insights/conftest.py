"""The hand-worked data set of the key-figure tests (see test_kpis.py for the table)."""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.catalogue.models import Kind
from skranke.contacts.models import Contact, ContactService, Outcome, SatisfactionResponse
from skranke.contacts.services import recontacted_services
from skranke.organisation.models import Area, StaffGroup
from skranke.privacy.cpr import citizen_hash, parse
from skranke.queues.models import Channel, Queue, Status, Ticket
from tests.factories import CounterFactory, MunicipalityFactory, ServiceFactory, SiteFactory, UserFactory

D = dt.date(2026, 3, 4)


def at(hhmm: str, day: dt.date = D) -> dt.datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hours, minutes)))


@pytest.fixture
def world():
    municipality = MunicipalityFactory(code=265)
    site = SiteFactory(municipality=municipality)
    counters = {area: CounterFactory(site=site, area=area) for area in (Area.CITIZEN_SERVICE, Area.LIBRARY)}
    staff = UserFactory()
    services = {
        "passport": ServiceFactory(key="passport", kind=Kind.AUTHORITY),
        "health": ServiceFactory(key="health", kind=Kind.AUTHORITY),
        "moving": ServiceFactory(key="moving", kind=Kind.AUTHORITY),
        "loan": ServiceFactory(key="loan", kind=Kind.LIBRARY),
    }
    h1 = citizen_hash(parse("0707614285"))
    h2 = citizen_hash(parse("1502803456"))

    def contact(finished, area, group, wait, service_seconds, lines, citizen=None, where=site):
        made = Contact.objects.create(
            site=where,
            counter=counters[area] if where == site else CounterFactory(site=where, area=area),
            area=area,
            staff=staff,
            staff_group=group,
            channel=Channel.WALK_IN,
            started_at=finished - dt.timedelta(seconds=service_seconds),
            finished_at=finished,
            wait_seconds=wait,
            service_seconds=service_seconds,
            citizen=citizen,
        )
        # Marked as contact_record marks a line: a re-contact or not when there is a citizen, else unknown.
        again = recontacted_services(citizen=citizen, services=[services[key] for key, _outcome in lines], at=finished)
        for key, outcome in lines:
            ContactService.objects.create(
                contact=made,
                service=services[key],
                outcome=outcome,
                referred_to="Udbetaling Danmark" if outcome == Outcome.REFERRED else "",
                recontact=None if citizen is None else services[key].pk in again,
            )
        return made

    cs, lib = Area.CITIZEN_SERVICE, Area.LIBRARY
    contact(
        at("10:00", D - dt.timedelta(days=3)), cs, StaffGroup.CITIZEN_SERVICE, 30, 200, [("moving", "RESOLVED")], h2
    )
    c1 = contact(at("10:00"), cs, StaffGroup.CITIZEN_SERVICE, 60, 300, [("passport", Outcome.RESOLVED)], h1)
    contact(
        at("11:00"),
        cs,
        StaffGroup.LIBRARY,
        120,
        600,
        [("passport", Outcome.RESOLVED), ("health", Outcome.REFERRED)],
        h1,
    )
    c3 = contact(at("11:30"), lib, StaffGroup.LIBRARY, None, 120, [("loan", Outcome.RESOLVED)])
    contact(at("12:00"), cs, StaffGroup.CITIZEN_SERVICE, 180, 900, [("moving", Outcome.FOLLOW_UP)], h2)
    elsewhere = SiteFactory(municipality=MunicipalityFactory(code=147))
    contact(at("10:00"), cs, StaffGroup.CITIZEN_SERVICE, 999, 999, [("passport", Outcome.NOT_POSSIBLE)], h1, elsewhere)
    SatisfactionResponse.objects.create(contact=c1, face=5, channel="PHONE", answered_at=at("10:05"))
    SatisfactionResponse.objects.create(contact=c3, face=3, channel="TABLET", answered_at=at("11:31"))
    queue = Queue.objects.create(site=site, name="Borgerservice", area=cs, letter="B")
    for number, status in enumerate([Status.DONE, Status.NO_SHOW, Status.DONE], start=1):
        Ticket.objects.create(
            queue=queue, day=D, number=number, status=status, issued_at=at("09:00"), called_at=at("09:30")
        )
    return municipality, services
