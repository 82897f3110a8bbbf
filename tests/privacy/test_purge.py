"""Retention: each rule written as a test that reads like the rule."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from skranke.errors import SkrankeError
from skranke.privacy.chain import verify_chain
from skranke.privacy.models import Action, AuditEntry, DataKind, RetentionSetting
from skranke.privacy.retention import DEFAULTS
from skranke.privacy.services import audit_record, purge, retention_days, retention_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def entries(municipality) -> list[str]:
    return list(
        AuditEntry.objects.filter(municipality=municipality).order_by("sequence").values_list("detail", flat=True)
    )


@pytest.fixture
def manager(db):
    return UserFactory(username="leder")


def test_every_kind_of_personal_data_has_a_documented_default():
    assert set(DEFAULTS) == set(DataKind.values)
    assert all(rule.days >= 1 and str(rule.why) for rule in DEFAULTS.values())
    assert DEFAULTS[DataKind.AUDIT].days == 180
    assert DEFAULTS[DataKind.TICKET_CONTACT].days == 1


def test_audit_entries_are_kept_for_their_period_and_deleted_after_it(roskilde):
    audit_record(municipality=roskilde, action=Action.CREATE, detail="gammel")
    now = timezone.now()
    purge(municipalities=[roskilde], now=now + 179 * DAY)
    assert entries(roskilde) == ["gammel"]
    purge(municipalities=[roskilde], now=now + 181 * DAY)
    assert "gammel" not in entries(roskilde)


def test_after_a_purge_the_chain_still_verifies_and_records_where_it_starts(roskilde):
    for number in range(3):
        audit_record(municipality=roskilde, action=Action.CHANGE, detail=f"gammel {number}")
    purge(municipalities=[roskilde], now=timezone.now() + 181 * DAY)
    audit_record(municipality=roskilde, action=Action.CHANGE, detail="ny")
    assert entries(roskilde) == ["Slettet efter opbevaringsperioden", "ny"]
    assert AuditEntry.objects.filter(municipality=roskilde).order_by("sequence").first().criteria["pruned_through"] == 3
    assert verify_chain(municipality_id=roskilde.pk) == []


def test_a_purge_itself_is_recorded_with_what_it_deleted(roskilde):
    audit_record(municipality=roskilde, action=Action.CREATE)
    purge(municipalities=[roskilde], now=timezone.now() + 181 * DAY)
    record = AuditEntry.objects.get(municipality=roskilde)
    assert (record.action, record.actor) == (Action.DELETE, None)
    assert record.criteria["kind"] == DataKind.AUDIT
    assert record.criteria["count"] == 1


def test_a_municipalitys_own_period_replaces_the_default(roskilde, frederiksberg, manager):
    retention_set(municipality=roskilde, kind=DataKind.AUDIT, days=30, changed_by=manager)
    audit_record(municipality=roskilde, action=Action.CREATE, detail="roskilde")
    audit_record(municipality=frederiksberg, action=Action.CREATE, detail="frederiksberg")
    purge(municipalities=[roskilde, frederiksberg], now=timezone.now() + 31 * DAY)
    assert "roskilde" not in entries(roskilde)
    assert entries(frederiksberg) == ["frederiksberg"]
    assert retention_days(municipality=roskilde)[DataKind.AUDIT] == 30
    assert retention_days(municipality=frederiksberg)[DataKind.AUDIT] == 180


def test_a_dry_run_counts_but_changes_nothing(roskilde):
    for _number in range(4):
        audit_record(municipality=roskilde, action=Action.CREATE)
    lines = purge(municipalities=[roskilde], now=timezone.now() + 181 * DAY, dry_run=True)
    assert {line.kind: line.count for line in lines}[DataKind.AUDIT] == 4
    assert AuditEntry.objects.filter(municipality=roskilde).count() == 4


def test_purging_one_municipality_leaves_the_others_alone(roskilde, frederiksberg):
    audit_record(municipality=roskilde, action=Action.CREATE, detail="roskilde")
    audit_record(municipality=frederiksberg, action=Action.CREATE, detail="frederiksberg")
    purge(municipalities=[roskilde], now=timezone.now() + 181 * DAY)
    assert entries(frederiksberg) == ["frederiksberg"]


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-1, "mellem 1 og 3650 dage; -1 går ikke"),
        (0, "mellem 1 og 3650 dage; 0 går ikke"),
        (100_000, "mellem 1 og 3650 dage; 100000 går ikke"),
        ("ti", "et helt antal dage"),
        (None, "et helt antal dage"),
    ],
)
def test_a_negative_or_absurd_retention_period_is_refused_and_changes_nothing(roskilde, manager, days, message):
    retention_set(municipality=roskilde, kind=DataKind.AUDIT, days=60, changed_by=manager)
    before = AuditEntry.objects.count()
    with pytest.raises(SkrankeError, match=message):
        retention_set(municipality=roskilde, kind=DataKind.AUDIT, days=days, changed_by=manager)
    assert RetentionSetting.objects.get(municipality=roskilde, kind=DataKind.AUDIT).days == 60
    assert AuditEntry.objects.count() == before


def test_changing_a_retention_period_is_recorded(roskilde, manager):
    retention_set(municipality=roskilde, kind=DataKind.AUDIT, days=365, changed_by=manager)
    record = AuditEntry.objects.get(municipality=roskilde)
    assert (record.action, record.actor, record.criteria) == (Action.CHANGE, manager, {"kind": "AUDIT", "days": 365})


def test_the_command_reports_counts_per_kind_and_dry_run_says_nothing_changed(roskilde):
    audit_record(municipality=roskilde, action=Action.CREATE)
    out = io.StringIO()
    call_command("purge", "--dry-run", stdout=out)
    assert "Prøvekørsel — intet er ændret." in out.getvalue()
    assert "Logning: 0" in out.getvalue()
    assert AuditEntry.objects.count() == 1


def test_appointment_names_and_contacts_are_blanked_after_their_period_and_the_times_stay(roskilde):
    from skranke.bookings.models import Appointment, Status
    from tests.factories import SiteFactory

    site = SiteFactory(municipality=roskilde)
    ends = timezone.now() - 29 * DAY
    appointment = Appointment.objects.create(
        site=site,
        area="CITIZEN_SERVICE",
        lane=1,
        starts_at=ends - dt.timedelta(minutes=15),
        ends_at=ends,
        status=Status.BOOKED,
        code="TESTCODE",
        name="Mette Sørensen",
        email="mette@example.org",
        phone="12345678",
        created_at=ends - 10 * DAY,
    )
    purge(municipalities=[roskilde], now=timezone.now())
    appointment.refresh_from_db()
    assert appointment.name == "Mette Sørensen"
    purge(municipalities=[roskilde], now=timezone.now() + 2 * DAY)
    appointment.refresh_from_db()
    assert (appointment.name, appointment.email, appointment.phone) == ("", "", "")
    assert (appointment.starts_at, appointment.status) == (ends - dt.timedelta(minutes=15), Status.NO_SHOW)


@pytest.mark.parametrize("kind", DataKind.values)
def test_every_kind_of_personal_data_has_a_purger(kind):
    from skranke.privacy.retention import purgers

    assert kind in purgers()


def test_satisfaction_comments_are_blanked_and_the_faces_stay(roskilde):
    from tests.factories import SiteFactory

    old = _answered(SiteFactory(municipality=roskilde), comment="Ring til mig på 12345678", days_ago=200)
    new = _answered(old.contact.site, comment="God betjening", days_ago=10)
    purge(municipalities=[roskilde], now=timezone.now())
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.face, old.comment) == (4, "")
    assert new.comment == "God betjening"


def _answered(site, *, comment: str, days_ago: int):
    from skranke.contacts.models import Contact, SatisfactionChannel, SatisfactionResponse
    from skranke.organisation.models import Area, StaffGroup
    from tests.factories import CounterFactory, UserFactory

    at = timezone.now() - dt.timedelta(days=days_ago)
    contact = Contact.objects.create(
        site=site,
        counter=CounterFactory(site=site, area=Area.CITIZEN_SERVICE),
        area=Area.CITIZEN_SERVICE,
        staff=UserFactory(),
        staff_group=StaffGroup.CITIZEN_SERVICE,
        channel="WALK_IN",
        started_at=at,
        finished_at=at,
        service_seconds=300,
    )
    return SatisfactionResponse.objects.create(
        contact=contact, face=4, comment=comment, channel=SatisfactionChannel.PHONE, answered_at=at
    )
