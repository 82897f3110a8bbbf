"""Every key figure against a small data set worked out by hand; the expected numbers are written here.

One day, D, at one site of one municipality:

| contact | area | staff group | wait | service | lines (service: outcome) | citizen |
|---|---|---|---|---|---|---|
| c1 10:00 | Borgerservice | Borgerservice | 60 | 300 | passport: RESOLVED | H1 |
| c2 11:00 | Borgerservice | Bibliotek | 120 | 600 | passport: RESOLVED, health card: REFERRED | H1 |
| c3 11:30 | Bibliotek | Bibliotek | – | 120 | loan: RESOLVED | – |
| c4 12:00 | Borgerservice | Borgerservice | 180 | 900 | moving: FOLLOW_UP | H2 |

Plus, outside the period, c0 three days before D (H2, moving), and a contact of another municipality on D.
Tickets called on D: three, one of them a no-show. Satisfaction: c1 answered 5, c3 answered 3.
"""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.contacts.models import Contact, RolledUpDay, SatisfactionChannel
from skranke.contacts.services import satisfaction_record
from skranke.insights import rollup
from skranke.insights.kpis import Hour, Period, kpis, kpis_by, wait_by_hour
from skranke.insights.stats import percentile
from skranke.organisation.models import Area, StaffGroup
from skranke.queues.models import Queue, Status, Ticket
from tests.insights.conftest import D, at

pytestmark = pytest.mark.django_db

PERIOD = Period(D, D)


def test_the_whole_day(world):
    municipality, _services = world
    (whole,) = kpis(municipality=municipality, period=PERIOD)
    assert (whole.contacts, whole.lines) == (4, 5)
    assert whole.first_contact_resolution == pytest.approx(3 / 5)
    assert (whole.referral_rate, whole.follow_up_rate, whole.not_possible_rate) == (1 / 5, 1 / 5, 0)
    # Lines with a citizen: c1 passport, c2 passport, c2 health, c4 moving; again within 14 days:
    # c2 passport (c1 the same morning) and c4 moving (c0 three days before).
    assert (whole.with_citizen, whole.recontacts, whole.recontact_rate) == (4, 2, 0.5)
    # Waits 60, 120, 180: median 120; p90 at rank 1.8 = 120 + 0.8 × 60 = 168.
    assert (whole.wait_median, whole.wait_p90) == (120, pytest.approx(168))
    # Service times 120, 300, 600, 900: median halfway between 300 and 600.
    assert whole.service_median == 450
    assert (whole.tickets_called, whole.no_shows) == (3, 1)
    assert whole.no_show_rate == pytest.approx(1 / 3)
    assert (whole.answers, whole.satisfaction_mean, whole.response_rate) == (2, 4, 0.5)
    # Authority lines 4, two of them (c2's) by library staff.
    assert (whole.authority, whole.authority_by_library, whole.library_share_of_authority) == (4, 2, 0.5)


def test_by_area(world):
    municipality, _services = world
    rows = {f.key: f for f in kpis(municipality=municipality, period=PERIOD, by="area")}
    citizen, library = rows[Area.CITIZEN_SERVICE], rows[Area.LIBRARY]
    assert (citizen.label, citizen.contacts, citizen.lines, citizen.resolved) == ("Borgerservice", 3, 4, 2)
    assert (citizen.wait_median, citizen.service_median) == (120, 600)
    assert (citizen.answers, citizen.satisfaction_mean) == (1, 5)
    assert (citizen.tickets_called, citizen.no_shows) == (3, 1)
    assert (library.contacts, library.lines, library.first_contact_resolution) == (1, 1, 1)
    assert (library.wait_median, library.service_median, library.satisfaction_mean) == (None, 120, 3)


def test_by_staff_group(world):
    municipality, _services = world
    rows = {f.key: f for f in kpis(municipality=municipality, period=PERIOD, by="staff_group")}
    library = rows[StaffGroup.LIBRARY]
    assert (library.contacts, library.lines, library.resolved) == (2, 3, 2)
    assert library.first_contact_resolution == pytest.approx(2 / 3)
    assert library.library_share_of_authority == 1
    assert rows[StaffGroup.CITIZEN_SERVICE].library_share_of_authority == 0
    # No-shows belong to tickets, which have no staff group when they are called.
    assert library.tickets_called == 0


def test_by_service(world):
    municipality, services = world
    rows = {f.key: f for f in kpis(municipality=municipality, period=PERIOD, by="service")}
    passport = rows[services["passport"].pk]
    assert (passport.contacts, passport.lines, passport.resolved) == (2, 2, 2)
    assert (passport.with_citizen, passport.recontacts) == (2, 1)
    assert passport.wait_median == 90  # c1 60 and c2 120
    assert rows[services["health"].pk].referral_rate == 1
    assert rows[services["loan"].pk].satisfaction_mean == 3


def test_another_period_and_an_empty_one(world):
    municipality, _services = world
    (earlier,) = kpis(municipality=municipality, period=Period(D - dt.timedelta(days=3), D - dt.timedelta(days=3)))
    assert (earlier.contacts, earlier.recontacts, earlier.wait_median) == (1, 0, 30)
    empty = kpis(municipality=municipality, period=Period(D + dt.timedelta(days=1), D + dt.timedelta(days=2)))
    assert [(f.contacts, f.first_contact_resolution, f.wait_median) for f in empty] == [(0, None, None)]


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([10, 20, 30, 40, 50], 0.9) == pytest.approx(46)


def test_wait_over_the_day_by_the_hour_the_ticket_was_taken(world):
    municipality, _services = world
    site = Contact.objects.filter(site__municipality=municipality).first().site
    queue = Queue.objects.get(site=site)
    for number, (taken, wait) in enumerate([("09:10", 60), ("09:40", 120), ("13:05", 300)], start=10):
        issued = at(taken)
        ticket = Ticket.objects.create(
            queue=queue,
            day=D,
            number=number,
            status=Status.DONE,
            issued_at=issued,
            called_at=issued + dt.timedelta(seconds=wait),
        )
        Contact.objects.filter(
            pk=Contact.objects.filter(site=site, ticket__isnull=True, wait_seconds__isnull=False).values("pk")[:1]
        ).update(ticket=ticket, wait_seconds=wait)
    assert wait_by_hour(municipality=municipality, period=PERIOD) == [
        Hour(9, 2, 90, pytest.approx(114)),
        Hour(13, 1, 300, 300),
    ]


# The daily roll-up the figures are read from (contacts.models.ContactDay, ServiceDay, CallDay).


@pytest.mark.parametrize("by", [None, "site", "area", "staff_group", "channel", "service"])
def test_the_figures_read_back_from_the_roll_up_are_those_of_the_records(world, monkeypatch, by):
    municipality, _services = world
    period = Period(D - dt.timedelta(days=3), D)
    monkeypatch.setattr(rollup, "SETTLE", dt.timedelta(days=100_000))  # nothing is over: all added up afresh
    fresh = kpis(municipality=municipality, period=period, by=by)
    assert not RolledUpDay.objects.exists()
    monkeypatch.undo()
    kpis(municipality=municipality, period=period, by=by)  # rolls the four days up
    assert RolledUpDay.objects.count() == 4
    assert kpis(municipality=municipality, period=period, by=by) == fresh


def test_an_answer_given_after_the_day_was_rolled_up_is_counted(world):
    municipality, _services = world
    (before,) = kpis(municipality=municipality, period=PERIOD)
    assert (before.answers, before.satisfaction_mean) == (2, 4)
    c4 = Contact.objects.get(site__municipality=municipality, finished_at=at("12:00"))
    satisfaction_record(contact=c4, face=1, channel=SatisfactionChannel.PHONE)
    (after,) = kpis(municipality=municipality, period=PERIOD)
    # Faces 5, 3 and 1 from three of the four contacts.
    assert (after.answers, after.satisfaction_mean, after.response_rate) == (3, 3, 0.75)


def test_today_is_counted_and_not_kept(world):
    municipality, _services = world
    now = timezone.now()
    c1 = Contact.objects.get(site__municipality=municipality, finished_at=at("10:00"))
    Contact.objects.filter(pk=c1.pk).update(started_at=now - dt.timedelta(minutes=5), finished_at=now)
    today = timezone.localdate(now)
    (whole,) = kpis(municipality=municipality, period=Period(today, today))
    assert (whole.contacts, whole.lines, whole.wait_median) == (1, 1, 60)
    assert not RolledUpDay.objects.filter(day=today).exists()


def test_all_the_dashboards_tables_at_once_are_the_same_figures(world):
    municipality, _services = world
    dimensions = [None, "service", "area", "staff_group", "channel"]
    at_once = kpis_by(municipality=municipality, period=PERIOD, dimensions=dimensions)
    for by in dimensions:
        assert at_once[by] == kpis(municipality=municipality, period=PERIOD, by=by)
