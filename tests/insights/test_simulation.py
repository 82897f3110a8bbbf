"""The simulator: reproducible days at the demo municipality, through the real services, within the policy."""

import datetime as dt
import random

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from skranke.bookings.calendar import holiday_name
from skranke.bookings.models import Appointment
from skranke.bookings.models import Status as AppointmentStatus
from skranke.catalogue.models import Kind
from skranke.contacts.models import Contact, ContactService, Outcome, SatisfactionResponse
from skranke.insights.simulation import simulate
from skranke.insights.simulation.profile import make_cpr
from skranke.organisation.models import Area, StaffGroup, StaffMember
from skranke.organisation.policy import check
from skranke.organisation.selectors import prefetch_for_policy
from skranke.privacy.cpr import parse
from skranke.queues.models import Channel, Status, Ticket
from tests.conftest import demo_municipality

# A sixth of the demo's volume keeps a simulated day to a second or two. The two days the other tests read
# have more, so that library staff almost surely do some authority work in them (~5 contacts expected).
VOLUME = 0.15
TWO_DAYS_VOLUME = 0.4


def _last_open_monday() -> dt.date:
    """A recent Monday with the Tuesday after it, both ordinary working days before today."""
    day = timezone.localdate() - dt.timedelta(days=2)
    while day.weekday() != 0 or holiday_name(day) or holiday_name(day + dt.timedelta(days=1)):
        day -= dt.timedelta(days=1)
    return day


MONDAY = _last_open_monday()
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture(scope="module")
def roskilde(django_db_setup, django_db_blocker):
    """The demo municipality with its catalogue, queues and booking set-up, shared by the module (rolled back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        municipality = demo_municipality()
        yield municipality
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def two_days(roskilde, django_db_blocker):
    with django_db_blocker.unblock():
        cache.clear()
        summary = simulate(municipality=roskilde, days=2, seed=7, end=TUESDAY, volume=TWO_DAYS_VOLUME)
        return summary


def _record() -> list[tuple]:
    """What a manager would see of the days: each ticket's queue, time, services, outcome and wait."""
    rows = []
    tickets = Ticket.objects.select_related("queue__site").prefetch_related("ticket_services__service")
    for ticket in tickets.order_by("issued_at", "queue__site__name", "queue__letter", "number"):
        contact = Contact.objects.filter(ticket=ticket).prefetch_related("lines__service").first()
        rows.append(
            (
                ticket.queue.site.name,
                ticket.queue.letter,
                ticket.number,
                ticket.issued_at,
                ticket.status,
                ticket.channel,
                tuple(line.service.key for line in ticket.ticket_services.all()),
                (ticket.estimate_low, ticket.estimate_high),
                contact and contact.wait_seconds,
                contact and contact.service_seconds,
                contact and tuple(sorted((line.service.key, line.outcome) for line in contact.lines.all())),
            )
        )
    return rows


def _simulate_and_forget(municipality, *, seed: int) -> tuple:
    """One simulated Monday, its summary, record and answers; then rolled back, the cache emptied."""
    cache.clear()
    with transaction.atomic():
        summary = simulate(municipality=municipality, days=1, seed=seed, end=MONDAY, volume=VOLUME)
        result = (summary, _record(), sorted(SatisfactionResponse.objects.values_list("face", "comment", "channel")))
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_tickets_times_services_and_outcomes(roskilde):
    first, again, other = (_simulate_and_forget(roskilde, seed=seed) for seed in (11, 11, 12))
    assert first[0].contacts > 15
    assert first == again
    assert other[1] != first[1]


@pytest.mark.django_db
def test_both_areas_have_contacts_and_each_came_through_a_finished_ticket(two_days):
    contacts = Contact.objects.select_related("ticket")
    assert two_days.contacts == contacts.count() > 60
    assert {c.area for c in contacts} == {Area.LIBRARY, Area.CITIZEN_SERVICE}
    assert all(c.ticket is not None and c.ticket.status == Status.DONE for c in contacts)
    assert all(c.wait_seconds == int((c.ticket.called_at - c.ticket.issued_at).total_seconds()) for c in contacts)
    assert {timezone.localdate(c.finished_at) for c in contacts} == {MONDAY, TUESDAY}


@pytest.mark.django_db
def test_every_ticket_keeps_the_estimate_the_kiosk_gave(two_days):
    tickets = Ticket.objects.all()
    assert tickets.count() == two_days.tickets
    assert all(t.estimate_low is not None and t.estimate_high >= t.estimate_low for t in tickets)


@pytest.mark.django_db
def test_booked_visitors_are_served_from_appointment_tickets_and_some_never_come(two_days):
    appointments = Appointment.objects.filter(starts_at__date__in=[MONDAY, TUESDAY]).select_related("ticket")
    assert appointments.count() == two_days.appointments > 0
    for appointment in appointments:
        assert appointment.channel == "ONLINE"
        assert appointment.created_at < appointment.starts_at
        if appointment.status == AppointmentStatus.CHECKED_IN:
            assert appointment.ticket.channel == Channel.APPOINTMENT
        elif appointment.status == AppointmentStatus.LATE:
            assert appointment.ticket.channel == Channel.WALK_IN
        else:
            assert appointment.status == AppointmentStatus.NO_SHOW
    served = Contact.objects.filter(channel=Channel.APPOINTMENT)
    assert served.exists()
    assert all(c.area == Area.CITIZEN_SERVICE for c in served)


@pytest.mark.django_db
def test_library_staff_do_only_the_authority_work_the_policy_allows(roskilde, two_days):
    allowed = set(roskilde.library_authority_services.values_list("key", flat=True))
    lines = ContactService.objects.filter(contact__staff_group=StaffGroup.LIBRARY, service__kind=Kind.AUTHORITY)
    assert lines.exists()
    assert {line.service.key for line in lines} <= allowed
    for line in lines.select_related("contact__counter__site", "service"):
        contact = line.contact
        staff = prefetch_for_policy(StaffMember.objects.get(user=contact.staff_id))
        assert contact.area == Area.CITIZEN_SERVICE
        assert check(staff=staff, service=line.service, counter=contact.counter, at=contact.finished_at)


@pytest.mark.django_db
def test_outcomes_vary_and_a_referral_says_to_whom(two_days):
    lines = ContactService.objects.all()
    assert {line.outcome for line in lines} >= {Outcome.RESOLVED, Outcome.REFERRED}
    assert all(line.referred_to for line in lines if line.outcome == Outcome.REFERRED)
    assert Contact.objects.filter(citizen__isnull=False).exists()


@pytest.mark.django_db
def test_some_citizens_answer_the_satisfaction_question(two_days):
    answers = SatisfactionResponse.objects.all()
    assert answers.count() == two_days.answers > 0
    assert {a.face for a in answers} <= {1, 2, 3, 4, 5}
    assert all(a.answered_at > a.contact.finished_at for a in answers)


def test_simulated_cpr_numbers_are_valid_and_pass_modulus_11():
    rng = random.Random(1)
    for _ in range(200):
        cpr = parse(make_cpr(rng))
        assert cpr.modulus11_ok
        assert cpr.birth_date < dt.date.today()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"municipality": "999", "days": "3"}, "Der findes ingen kommune med koden 999."),
        ({"municipality": "abc", "days": "3"}, "Kommunekoden skal være et tal"),
        ({"municipality": "265", "days": "0"}, "Antal dage skal være et helt tal mellem 1 og 366."),
        ({"municipality": "265", "days": "367"}, "Antal dage skal være et helt tal mellem 1 og 366."),
        ({"municipality": "265", "days": "tre"}, "Antal dage skal være et helt tal mellem 1 og 366."),
        ({"municipality": "265", "days": "3", "seed": "1.5"}, "Seed skal være et helt tal"),
        ({"municipality": "265", "days": "3", "end": "30-11-2026"}, "Slutdatoen skal skrives ÅÅÅÅ-MM-DD"),
        (
            {"municipality": "265", "days": "3", "end": timezone.localdate().isoformat()},
            "Den sidste simulerede dag skal ligge før i dag.",
        ),
    ],
)
def test_bad_input_is_refused_in_danish_and_nothing_is_written(roskilde, options, message):
    before = (Ticket.objects.count(), StaffMember.objects.count(), Appointment.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("simulate", **options)
    assert (Ticket.objects.count(), StaffMember.objects.count(), Appointment.objects.count()) == before


@pytest.mark.django_db
def test_the_command_prints_a_danish_summary(roskilde, capsys):
    sunday = MONDAY - dt.timedelta(days=1)
    call_command("simulate", municipality="265", days="1", seed="3", end=sunday.isoformat())
    out = capsys.readouterr().out
    assert f"Simuleret Roskilde (265) fra {sunday:%d.%m.%Y} til {sunday:%d.%m.%Y}: 0 åbningsdage." in out
    assert "Henvendelser: 0" in out
