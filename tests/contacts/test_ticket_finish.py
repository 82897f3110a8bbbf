"""ticket_finish and contact_record: one contact per served citizen, an outcome per service, the citizen only hashed."""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.catalogue.models import Kind
from skranke.contacts.models import Contact, ContactService, GuidanceMode, Outcome
from skranke.contacts.services import Line, contact_record, ticket_finish
from skranke.errors import SkrankeError
from skranke.organisation.models import StaffGroup
from skranke.privacy.cpr import citizen_hash, parse
from skranke.privacy.models import Action, AuditEntry, DataKind
from skranke.privacy.services import purge
from skranke.queues.models import Status
from skranke.queues.services import ticket_call_next, ticket_issue, ticket_start
from tests.factories import AuthorisationFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

CPR = "0707614285"


@pytest.fixture
def served(borgerservice, passport, citizen_counter, officer):
    """A passport ticket issued at 10.00, called at 10.12, started at 10.13."""
    AuthorisationFactory(staff_member=officer, service=passport)
    ten = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    ticket_issue(queue=borgerservice, services=[passport], now=ten)
    ticket = ticket_call_next(counter=citizen_counter, staff=officer, now=ten + dt.timedelta(minutes=12))
    return ticket_start(ticket=ticket, staff=officer, now=ten + dt.timedelta(minutes=13)), ten


def test_finishing_a_ticket_records_the_contact_with_wait_service_time_and_outcome(served, officer, passport):
    ticket, ten = served
    contact = ticket_finish(
        ticket=ticket,
        staff=officer,
        lines=[Line(passport, Outcome.RESOLVED)],
        cpr=parse(CPR),
        power_of_attorney=True,
        now=ten + dt.timedelta(minutes=23),
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.DONE
    assert (contact.wait_seconds, contact.service_seconds) == (12 * 60, 10 * 60)
    assert (contact.area, contact.staff_group, contact.power_of_attorney) == (
        "CITIZEN_SERVICE",
        "CITIZEN_SERVICE",
        True,
    )
    assert [(line.service, line.outcome) for line in contact.lines.all()] == [(passport, "RESOLVED")]
    assert contact.citizen == citizen_hash(parse(CPR))
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="contacts.contact")
    assert (entry.object_id, entry.citizen) == (str(contact.pk), contact.citizen)


def test_a_ticket_finished_twice_is_refused_and_not_recorded_twice(served, officer, passport):
    ticket, ten = served
    ticket_finish(
        ticket=ticket, staff=officer, lines=[Line(passport, Outcome.RESOLVED)], now=ten + dt.timedelta(hours=1)
    )
    with pytest.raises(SkrankeError, match="er færdig og kan ikke blive færdig"):
        ticket_finish(ticket=ticket, staff=officer, lines=[Line(passport, Outcome.RESOLVED)])
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (lambda s: Line(s, Outcome.REFERRED), "Skriv hvem borgeren er henvist til"),
        (lambda s: Line(s, "MAYBE"), "Vælg et resultat"),
    ],
)
def test_an_incomplete_outcome_is_refused_and_nothing_changes(served, officer, passport, line, message):
    ticket, _ten = served
    with pytest.raises(SkrankeError, match=message):
        ticket_finish(ticket=ticket, staff=officer, lines=[line(passport)])
    ticket.refresh_from_db()
    assert ticket.status == Status.SERVING
    assert not Contact.objects.exists()


def test_guidance_says_whether_the_citizen_was_shown_how_or_it_was_done_for_them(citizen_counter, officer):
    digital_post = ServiceFactory(key="digital-post-help", kind=Kind.GUIDANCE, name_da="Digital Post")
    with pytest.raises(SkrankeError, match="vist hvordan"):
        contact_record(staff=officer, counter=citizen_counter, lines=[Line(digital_post, Outcome.RESOLVED)])
    contact = contact_record(
        staff=officer,
        counter=citizen_counter,
        lines=[Line(digital_post, Outcome.RESOLVED, guidance_mode=GuidanceMode.SHOWN_HOW)],
    )
    assert contact.ticket is None
    assert contact.lines.get().guidance_mode == "SHOWN_HOW"


def test_an_end_before_the_start_is_refused(citizen_counter, officer, passport):
    AuthorisationFactory(staff_member=officer, service=passport)
    now = timezone.now()
    with pytest.raises(SkrankeError, match="slutter før den begynder"):
        contact_record(
            staff=officer,
            counter=citizen_counter,
            lines=[Line(passport, Outcome.RESOLVED)],
            started_at=now,
            now=now - dt.timedelta(minutes=1),
        )
    assert not Contact.objects.exists()


def test_a_service_the_policy_refuses_is_audited_and_nothing_is_saved(citizen_counter, site, passport):
    librarian = StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.LIBRARY)
    with pytest.raises(SkrankeError, match="Biblioteksmedarbejdere udfører ikke myndighedsopgaver"):
        contact_record(staff=librarian, counter=citizen_counter, lines=[Line(passport, Outcome.RESOLVED)])
    assert not Contact.objects.exists()
    assert AuditEntry.objects.get().action == Action.REFUSED


def test_after_the_retention_period_the_citizen_hash_goes_and_the_contact_stays(served, officer, passport):
    ticket, ten = served
    finished = ten + dt.timedelta(minutes=20)
    ticket_finish(ticket=ticket, staff=officer, lines=[Line(passport, Outcome.RESOLVED)], cpr=parse(CPR), now=finished)
    municipality = ticket.queue.site.municipality
    lines = purge(municipalities=[municipality], now=finished + dt.timedelta(days=89))
    assert {line.kind: line.count for line in lines}[DataKind.CONTACT_CITIZEN] == 0
    lines = purge(municipalities=[municipality], now=finished + dt.timedelta(days=91))
    assert {line.kind: line.count for line in lines}[DataKind.CONTACT_CITIZEN] == 1
    contact = Contact.objects.get()
    assert contact.citizen is None
    assert ContactService.objects.filter(contact=contact, service=passport, outcome="RESOLVED").count() == 1
