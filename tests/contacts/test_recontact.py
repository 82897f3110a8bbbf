"""contact_record marks each line with a citizen, once, as a re-contact or not; and a late record re-opens a day's
roll-up."""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.contacts.models import Contact, ContactService, Outcome, RolledUpDay, SatisfactionChannel
from skranke.contacts.services import Line, contact_record, purge_contact_citizen, satisfaction_record
from skranke.privacy.cpr import parse
from tests.factories import AuthorisationFactory

pytestmark = pytest.mark.django_db

CPR, OTHER_CPR = "0707614285", "1502803456"
T = timezone.make_aware(dt.datetime(2026, 3, 4, 10, 0))


@pytest.fixture
def record(citizen_counter, officer, passport, mitid):
    """record(at, *services, cpr=CPR) -> {service id: the line's re-contact mark}."""
    for service in (passport, mitid):
        AuthorisationFactory(staff_member=officer, service=service)

    def record(at, *services, cpr=CPR):
        contact = contact_record(
            staff=officer,
            counter=citizen_counter,
            lines=[Line(service, Outcome.RESOLVED) for service in services],
            cpr=parse(cpr) if cpr else None,
            started_at=at - dt.timedelta(minutes=5),
            now=at,
        )
        return {line.service_id: line.recontact for line in contact.lines.all()}

    return record


def test_the_same_citizen_about_the_same_service_within_14_days_is_a_recontact(record, passport):
    assert record(T, passport) == {passport.pk: False}
    assert record(T + dt.timedelta(days=13), passport) == {passport.pk: True}


def test_exactly_14_days_later_counts_and_a_second_more_does_not(record, passport):
    record(T, passport)
    assert record(T + dt.timedelta(days=14), passport) == {passport.pk: True}
    record(T, passport, cpr=OTHER_CPR)
    assert record(T + dt.timedelta(days=14, seconds=1), passport, cpr=OTHER_CPR) == {passport.pk: False}


def test_another_service_or_another_citizen_is_not_a_recontact(record, passport, mitid):
    record(T, passport)
    assert record(T + dt.timedelta(days=1), mitid) == {mitid.pk: False}
    assert record(T + dt.timedelta(days=1), passport, cpr=OTHER_CPR) == {passport.pk: False}


def test_each_line_of_a_contact_is_marked_on_its_own(record, passport, mitid):
    record(T, passport)
    assert record(T + dt.timedelta(days=2), passport, mitid) == {passport.pk: True, mitid.pk: False}


def test_a_contact_without_a_cpr_number_is_neither(record, passport):
    record(T, passport)
    assert record(T + dt.timedelta(hours=1), passport, cpr=None) == {passport.pk: None}


def test_the_mark_outlives_the_purge_of_the_citizen_hash(record, site, passport):
    record(T, passport)
    record(T + dt.timedelta(days=1), passport)
    purged = purge_contact_citizen(municipality=site.municipality, cutoff=T + dt.timedelta(days=2), dry_run=False)
    assert purged == 2
    assert not Contact.objects.filter(citizen__isnull=False).exists()
    assert sorted(ContactService.objects.values_list("recontact", flat=True)) == [False, True]


def test_a_contact_recorded_for_a_day_already_rolled_up_has_it_added_up_again(record, site, passport):
    RolledUpDay.objects.create(site=site, day=T.date())
    RolledUpDay.objects.create(site=site, day=T.date() + dt.timedelta(days=1))
    record(T, passport)
    assert list(RolledUpDay.objects.values_list("day", flat=True)) == [T.date() + dt.timedelta(days=1)]


def test_a_late_satisfaction_answer_has_its_day_added_up_again(record, site, passport):
    record(T, passport)
    RolledUpDay.objects.create(site=site, day=T.date())
    satisfaction_record(contact=Contact.objects.get(), face=4, channel=SatisfactionChannel.PHONE)
    assert not RolledUpDay.objects.exists()


def test_a_contact_recorded_today_leaves_the_roll_up_alone(record, site, passport):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    RolledUpDay.objects.create(site=site, day=yesterday)
    record(timezone.now(), passport)
    assert list(RolledUpDay.objects.values_list("day", flat=True)) == [yesterday]
