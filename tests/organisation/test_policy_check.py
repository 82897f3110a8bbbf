"""The policy check as a decision table.

Every combination of service kind × counter area × staff group × the four
policy settings × authorisation state is covered by exactly one row below
(test_table_covers_every_combination_exactly_once proves it), and each row
states its expected answer by hand. "*" means "any value".
"""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from skranke.catalogue.models import Kind
from skranke.organisation.models import Area, Authorisation, StaffGroup
from skranke.organisation.policy import Reason, check
from skranke.organisation.selectors import staff_member_for
from tests.factories import (
    AuthorisationFactory,
    CounterFactory,
    MunicipalityFactory,
    ServiceFactory,
    ServiceOverrideFactory,
    SiteFactory,
    StaffMemberFactory,
)

CPH = ZoneInfo("Europe/Copenhagen")
AT = dt.datetime(2026, 3, 10, 12, 0, tzinfo=CPH)

LIB, CS = "LIB", "CS"
AUTH_STATES = ["none", "valid", "expired", "not_yet_valid", "revoked", "other_municipality"]
DIMENSIONS = {
    "kind": [Kind.LIBRARY, Kind.GUIDANCE, Kind.AUTHORITY],
    "area": [LIB, CS],  # the counter's area
    "group": [LIB, CS],  # the staff member's group
    "lib_authority": [True, False],  # policy: library staff may do authority work at all
    "listed": [True, False],  # policy: this service is one library staff may do
    "cs_counter_only": [True, False],  # policy: authority work only at a Borgerservice counter
    "cs_library": [True, False],  # policy: Borgerservice staff may do library work
    "auth": AUTH_STATES,  # the staff member's authorisation for this service
}
A = Reason.ALLOWED
# kind, area, group, lib_authority, listed, cs_counter_only, cs_library, auth -> expected
TABLE = [
    # Library work: library staff always; Borgerservice staff when the policy allows it.
    (Kind.LIBRARY, "*", LIB, "*", "*", "*", "*", "*", A),
    (Kind.LIBRARY, "*", CS, "*", "*", "*", True, "*", A),
    (Kind.LIBRARY, "*", CS, "*", "*", "*", False, "*", Reason.NO_LIBRARY_WORK),
    # Guidance: anyone, at any counter.
    (Kind.GUIDANCE, "*", "*", "*", "*", "*", "*", "*", A),
    # Authority work by library staff: first the municipality's permission...
    (Kind.AUTHORITY, "*", LIB, False, "*", "*", "*", "*", Reason.LIBRARY_STAFF_NO_AUTHORITY),
    (Kind.AUTHORITY, "*", LIB, True, False, "*", "*", "*", Reason.LIBRARY_STAFF_NOT_THIS_SERVICE),
    # ...then their own authorisation for this very service...
    (Kind.AUTHORITY, "*", LIB, True, True, "*", "*", "none", Reason.NO_AUTHORISATION),
    (Kind.AUTHORITY, "*", LIB, True, True, "*", "*", "other_municipality", Reason.NO_AUTHORISATION),
    (Kind.AUTHORITY, "*", LIB, True, True, "*", "*", "expired", Reason.AUTHORISATION_EXPIRED),
    (Kind.AUTHORITY, "*", LIB, True, True, "*", "*", "not_yet_valid", Reason.AUTHORISATION_NOT_YET_VALID),
    (Kind.AUTHORITY, "*", LIB, True, True, "*", "*", "revoked", Reason.AUTHORISATION_REVOKED),
    # ...then the counter: a Borgerservice counter, unless the policy relaxes it.
    (Kind.AUTHORITY, LIB, LIB, True, True, True, "*", "valid", Reason.WRONG_COUNTER_AREA),
    (Kind.AUTHORITY, CS, LIB, True, True, True, "*", "valid", A),
    (Kind.AUTHORITY, "*", LIB, True, True, False, "*", "valid", A),
    # Authority work by Borgerservice staff: the library-staff settings don't apply.
    (Kind.AUTHORITY, "*", CS, "*", "*", "*", "*", "none", Reason.NO_AUTHORISATION),
    (Kind.AUTHORITY, "*", CS, "*", "*", "*", "*", "other_municipality", Reason.NO_AUTHORISATION),
    (Kind.AUTHORITY, "*", CS, "*", "*", "*", "*", "expired", Reason.AUTHORISATION_EXPIRED),
    (Kind.AUTHORITY, "*", CS, "*", "*", "*", "*", "not_yet_valid", Reason.AUTHORISATION_NOT_YET_VALID),
    (Kind.AUTHORITY, "*", CS, "*", "*", "*", "*", "revoked", Reason.AUTHORISATION_REVOKED),
    (Kind.AUTHORITY, LIB, CS, "*", "*", True, "*", "valid", Reason.WRONG_COUNTER_AREA),
    (Kind.AUTHORITY, CS, CS, "*", "*", True, "*", "valid", A),
    (Kind.AUTHORITY, "*", CS, "*", "*", False, "*", "valid", A),
]


def expand(row):
    *pattern, expected = row
    values = [dim if p == "*" else [p] for p, dim in zip(pattern, DIMENSIONS.values(), strict=True)]
    for combo in itertools.product(*values):
        yield dict(zip(DIMENSIONS, combo, strict=True)), expected


def test_table_covers_every_combination_exactly_once():
    seen = {}
    for index, row in enumerate(TABLE):
        for combo, _expected in expand(row):
            key = tuple(combo.values())
            assert key not in seen, f"rows {seen[key]} and {index} both cover {combo}"
            seen[key] = index
    total = 1
    for values in DIMENSIONS.values():
        total *= len(values)
    assert len(seen) == total == 1152


@pytest.fixture
def world(db):
    municipality = MunicipalityFactory(code=265)
    other = MunicipalityFactory(code=147)
    site = SiteFactory(municipality=municipality)
    return {
        "municipality": municipality,
        "other": other,
        "counters": {
            LIB: CounterFactory(site=site, area=Area.LIBRARY),
            CS: CounterFactory(site=site, area=Area.CITIZEN_SERVICE),
        },
        "staff": {
            LIB: StaffMemberFactory(municipality=municipality, staff_group=StaffGroup.LIBRARY),
            CS: StaffMemberFactory(municipality=municipality, staff_group=StaffGroup.CITIZEN_SERVICE),
        },
        "services": {kind: ServiceFactory(key=f"svc-{kind.lower()}", kind=kind) for kind in Kind},
    }


def set_authorisation(world, staff, service, state):
    Authorisation.objects.filter(staff_member=staff).delete()
    if state == "none":
        return
    dates = {
        "valid": (dt.date(2026, 1, 1), None),
        "expired": (dt.date(2025, 1, 1), dt.date(2026, 3, 9)),
        "not_yet_valid": (dt.date(2026, 3, 11), None),
        "revoked": (dt.date(2026, 1, 1), None),
        "other_municipality": (dt.date(2026, 1, 1), None),
    }
    valid_from, valid_to = dates[state]
    AuthorisationFactory(
        staff_member=staff,
        service=service,
        municipality=world["other"] if state == "other_municipality" else world["municipality"],
        valid_from=valid_from,
        valid_to=valid_to,
        revoked_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=CPH) if state == "revoked" else None,
        revoked_by=staff.user if state == "revoked" else None,
    )


def decide(world, combo) -> Reason:
    municipality = world["municipality"]
    municipality.library_staff_authority = combo["lib_authority"]
    municipality.authority_at_citizen_service_counter = combo["cs_counter_only"]
    municipality.citizen_service_staff_library_work = combo["cs_library"]
    municipality.save()
    service = world["services"][combo["kind"]]
    municipality.library_authority_services.set([service] if combo["listed"] else [])
    staff = world["staff"][combo["group"]]
    set_authorisation(world, staff, service, combo["auth"])
    fresh = staff_member_for(staff.user)  # as the pages load it, with prefetched authorisations
    return check(staff=fresh, service=service, counter=world["counters"][combo["area"]], at=AT).reason


@pytest.mark.parametrize("row", TABLE, ids=lambda row: "-".join(str(v) for v in row[:-1]))
def test_policy_row(world, row):
    wrong = []
    for combo, expected in expand(row):
        got = decide(world, combo)
        if got != expected:
            wrong.append(f"{combo}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


# Checks on context that sit outside the table.


def test_staff_of_another_municipality_cannot_work_at_the_counter(world):
    outsider = StaffMemberFactory(municipality=world["other"], staff_group=StaffGroup.CITIZEN_SERVICE)
    decision = check(staff=outsider, service=world["services"][Kind.GUIDANCE], counter=world["counters"][CS], at=AT)
    assert decision.reason == Reason.OTHER_MUNICIPALITY
    assert "anden kommune" in decision.message


def test_a_service_the_municipality_switched_off_is_refused_even_with_authorisation(world):
    staff = world["staff"][CS]
    service = world["services"][Kind.AUTHORITY]
    set_authorisation(world, staff, service, "valid")
    ServiceOverrideFactory(municipality=world["municipality"], service=service, enabled=False)
    decision = check(staff=staff_member_for(staff.user), service=service, counter=world["counters"][CS], at=AT)
    assert decision.reason == Reason.SERVICE_OFF


def test_another_municipality_switching_a_service_off_does_not_matter_here(world):
    service = world["services"][Kind.GUIDANCE]
    ServiceOverrideFactory(municipality=world["other"], service=service, enabled=False)
    assert check(staff=world["staff"][LIB], service=service, counter=world["counters"][LIB], at=AT).allowed


def test_a_retired_service_is_refused(world):
    service = world["services"][Kind.LIBRARY]
    service.retired = True
    service.save()
    assert check(staff=world["staff"][LIB], service=service, counter=world["counters"][LIB], at=AT).reason == (
        Reason.SERVICE_OFF
    )


def test_a_deactivated_staff_member_is_refused(world):
    staff = world["staff"][LIB]
    staff.user.is_active = False
    staff.user.save()
    decision = check(staff=staff, service=world["services"][Kind.GUIDANCE], counter=world["counters"][LIB], at=AT)
    assert decision.reason == Reason.STAFF_INACTIVE


def test_a_closed_counter_is_refused(world):
    counter = world["counters"][CS]
    counter.active = False
    counter.save()
    decision = check(staff=world["staff"][CS], service=world["services"][Kind.GUIDANCE], counter=counter, at=AT)
    assert decision.reason == Reason.COUNTER_INACTIVE


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "revoked_at", "expected"),
    [
        (dt.date(2026, 3, 10), None, None, Reason.ALLOWED),  # starts today
        (dt.date(2025, 1, 1), dt.date(2026, 3, 10), None, Reason.ALLOWED),  # ends today, inclusive
        (dt.date(2025, 1, 1), None, dt.datetime(2026, 3, 10, 12, 1, tzinfo=CPH), Reason.ALLOWED),  # revoked later
        (dt.date(2025, 1, 1), None, dt.datetime(2026, 3, 10, 12, 0, tzinfo=CPH), Reason.AUTHORISATION_REVOKED),
    ],
)
def test_authorisation_boundaries(world, valid_from, valid_to, revoked_at, expected):
    staff = world["staff"][CS]
    service = world["services"][Kind.AUTHORITY]
    AuthorisationFactory(
        staff_member=staff,
        service=service,
        valid_from=valid_from,
        valid_to=valid_to,
        revoked_at=revoked_at,
        revoked_by=staff.user if revoked_at else None,
    )
    fresh = staff_member_for(staff.user)
    assert check(staff=fresh, service=service, counter=world["counters"][CS], at=AT).reason == expected


def test_a_new_grant_after_a_revocation_counts(world):
    staff = world["staff"][CS]
    service = world["services"][Kind.AUTHORITY]
    set_authorisation(world, staff, service, "revoked")
    AuthorisationFactory(staff_member=staff, service=service, valid_from=dt.date(2026, 3, 5))
    fresh = staff_member_for(staff.user)
    assert check(staff=fresh, service=service, counter=world["counters"][CS], at=AT).allowed


def test_an_authorisation_for_another_service_does_not_count(world):
    staff = world["staff"][CS]
    passport = world["services"][Kind.AUTHORITY]
    licence = ServiceFactory(key="driving-licence-renewal", kind=Kind.AUTHORITY, name_da="Kørekort")
    AuthorisationFactory(staff_member=staff, service=licence)
    decision = check(staff=staff_member_for(staff.user), service=passport, counter=world["counters"][CS], at=AT)
    assert decision.reason == Reason.NO_AUTHORISATION


def test_refusal_message_is_plain_danish_and_names_the_service(world):
    passport = ServiceFactory(key="passport-application", kind=Kind.AUTHORITY, name_da="pas")
    decision = check(staff=world["staff"][CS], service=passport, counter=world["counters"][CS], at=AT)
    assert decision.message == "Du har ikke bemyndigelse til pas — henvis til en borgerservicemedarbejder."


def test_checking_many_services_with_prefetched_staff_costs_no_extra_queries(world, django_assert_num_queries):
    staff = staff_member_for(world["staff"][CS].user)
    counter = world["counters"][CS]
    counter = type(counter).objects.select_related("site").get(pk=counter.pk)
    services = list(world["services"].values())
    with django_assert_num_queries(0):
        for service in services:
            check(staff=staff, service=service, counter=counter, at=AT)


def test_refusal_in_english_names_the_service_in_english(world):
    from django.utils import translation

    passport = ServiceFactory(key="passport-application", kind=Kind.AUTHORITY, name_da="Pas", name_en="Passport")
    with translation.override("en"):
        decision = check(staff=world["staff"][CS], service=passport, counter=world["counters"][CS], at=AT)
        message = str(decision.message)
    assert message == "You are not authorised for Passport — refer the citizen to a Borgerservice officer."
