"""free_slots: the rules a free time follows, and how fast it answers."""

import datetime as dt

import pytest

from skranke.bookings.models import Appointment, BookableService, BookingSetup, Closure, Status
from skranke.bookings.selectors import free_slots, nearest_free
from skranke.errors import SkrankeError
from skranke.organisation.models import Area, OpeningHours, SiteKind
from tests.bookings.conftest import MONDAY, NOW, at, starts
from tests.factories import ServiceOverrideFactory, SiteFactory

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)
ALL_DAY = [f"{h:02d}:{m:02d}" for h in range(10, 14) for m in (0, 15, 30, 45)]


def book(site, lane, start, minutes=15, status=Status.BOOKED, area=Area.CITIZEN_SERVICE):
    return Appointment.objects.create(
        site=site,
        area=area,
        lane=lane,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        status=status,
        code=f"T{Appointment.objects.count():07d}",
        email="a@example.org",
        created_at=NOW,
    )


def test_slots_follow_the_borgerservice_hours_not_the_librarys(municipality, site, offers, passport):
    slots = free_slots(municipality=municipality, services=[passport], now=NOW, weeks=1)
    assert starts(slots, TUESDAY) == ALL_DAY
    assert {timezone_day(s) for s in slots} == {MONDAY + dt.timedelta(days=n) for n in range(5)}
    assert all(s.site == site and s.area == Area.CITIZEN_SERVICE and s.lane == 1 for s in slots)


def timezone_day(slot):
    from django.utils import timezone

    return timezone.localdate(slot.starts_at)


def test_no_slots_before_the_minimum_notice(municipality, offers, passport):
    slots = free_slots(municipality=municipality, services=[passport], now=at(MONDAY, "10:20"), weeks=1)
    assert starts(slots, MONDAY) == ["12:30", "12:45", "13:00", "13:15", "13:30", "13:45"]


def test_staff_may_book_up_to_now_but_not_before(municipality, offers, passport):
    slots = free_slots(
        municipality=municipality, services=[passport], now=at(MONDAY, "13:20"), weeks=1, channel="COUNTER"
    )
    assert starts(slots, MONDAY) == ["13:30", "13:45"]


def test_no_slots_beyond_the_book_ahead_days(municipality, offers, passport):
    BookableService.objects.filter(pk=offers["passport"].pk).update(book_ahead_days=3)
    slots = free_slots(municipality=municipality, services=[passport], now=NOW, weeks=2)
    assert max(timezone_day(s) for s in slots) == MONDAY + dt.timedelta(days=3)


def test_holidays_close_the_site(municipality, offers, passport):
    easter_monday = dt.date(2026, 4, 6)
    slots = free_slots(municipality=municipality, services=[passport], start=easter_monday, now=NOW, weeks=1)
    assert starts(slots, easter_monday) == []
    assert starts(slots, easter_monday + dt.timedelta(days=1)) == ALL_DAY


@pytest.mark.parametrize(("friday", "open_"), [(dt.date(2023, 5, 5), False), (dt.date(2024, 4, 26), True)])
def test_store_bededag_closes_the_site_until_2023_and_not_from_2024(municipality, offers, passport, friday, open_):
    monday = friday - dt.timedelta(days=4)
    slots = free_slots(municipality=municipality, services=[passport], now=at(monday, "08:00"), weeks=1)
    assert (starts(slots, friday) == ALL_DAY) is open_
    assert starts(slots, friday - dt.timedelta(days=1)) == ALL_DAY


def test_a_closure_closes_its_days_and_an_area_closure_only_its_area(municipality, site, offers, passport):
    Closure.objects.create(site=site, first_day=TUESDAY, last_day=TUESDAY, reason="Personaledag")
    Closure.objects.create(
        site=site,
        area=Area.LIBRARY,
        first_day=MONDAY + dt.timedelta(days=2),
        last_day=MONDAY + dt.timedelta(days=2),
        reason="Biblioteket maler",
    )
    slots = free_slots(municipality=municipality, services=[passport], now=NOW, weeks=1)
    assert starts(slots, TUESDAY) == []
    assert starts(slots, MONDAY + dt.timedelta(days=2)) == ALL_DAY


def test_a_yearly_closure_closes_the_day_in_later_years(municipality, site, offers, passport):
    Closure.objects.create(
        site=site, first_day=dt.date(2020, 3, 3), last_day=dt.date(2020, 3, 3), reason="Byfest", yearly=True
    )
    slots = free_slots(municipality=municipality, services=[passport], now=NOW, weeks=1)
    assert starts(slots, TUESDAY) == []
    assert starts(slots, MONDAY + dt.timedelta(days=2)) == ALL_DAY


def test_booked_lanes_are_skipped_and_the_next_lane_is_chosen(municipality, site, offers, passport, mitid):
    book(site, 1, at(TUESDAY, "10:00"), minutes=30)
    book(site, 2, at(TUESDAY, "10:15"))
    slots = free_slots(municipality=municipality, services=[passport], now=NOW, weeks=1)
    tuesday = [(timezone_local(s), s.lane) for s in slots if timezone_day(s) == TUESDAY][:3]
    assert tuesday == [("10:00", 2), ("10:30", 1), ("10:45", 1)]
    # MitID may use lane 1 only.
    assert starts(free_slots(municipality=municipality, services=[mitid], now=NOW, weeks=1), TUESDAY)[:2] == [
        "10:30",
        "10:45",
    ]


def timezone_local(slot):
    from django.utils import timezone

    return timezone.localtime(slot.starts_at).strftime("%H:%M")


def test_cancelled_and_expired_times_are_free_again(municipality, site, offers, passport):
    book(site, 1, at(TUESDAY, "10:00"), status=Status.CANCELLED)
    book(site, 2, at(TUESDAY, "10:00"), status=Status.EXPIRED)
    slots = free_slots(municipality=municipality, services=[passport], now=NOW, weeks=1)
    assert next((timezone_local(s), s.lane) for s in slots if timezone_day(s) == TUESDAY) == ("10:00", 1)


def test_several_services_in_one_visit_add_up_and_use_only_shared_lanes(municipality, site, offers, passport, mitid):
    book(site, 1, at(TUESDAY, "10:00"), minutes=60)
    slots = free_slots(municipality=municipality, services=[passport, mitid], now=NOW, weeks=1)
    tuesday = [s for s in slots if timezone_day(s) == TUESDAY]
    assert tuesday[0].ends_at - tuesday[0].starts_at == dt.timedelta(minutes=35)
    assert timezone_local(tuesday[0]) == "11:00"  # lane 2 is free, but MitID may only use lane 1
    assert timezone_local(tuesday[-1]) == "13:15"  # 35 minutes fit before 14:00
    assert {s.lane for s in tuesday} == {1}


def test_the_offers_own_duration_beats_the_municipalitys_which_beats_the_catalogues(
    municipality, offers, passport, licence
):
    ServiceOverrideFactory(municipality=municipality, service=passport, duration_minutes=40)
    slot = free_slots(municipality=municipality, services=[passport], now=NOW, weeks=1)[0]
    assert slot.ends_at - slot.starts_at == dt.timedelta(minutes=40)
    BookableService.objects.filter(pk=offers["passport"].pk).update(duration_minutes=25)
    slot = free_slots(municipality=municipality, services=[passport], now=NOW, weeks=1)[0]
    assert slot.ends_at - slot.starts_at == dt.timedelta(minutes=25)


def test_emergency_slots_are_held_back_until_the_release_on_the_same_day(municipality, site, offers, passport):
    BookableService.objects.filter(pk=offers["passport"].pk).update(
        emergency_slots=2, emergency_release=dt.time(8), min_notice_minutes=120
    )
    setup = offers["passport"].setup
    BookingSetup.objects.filter(pk=setup.pk).update(lanes=1)
    day_before = free_slots(municipality=municipality, services=[passport], now=at(MONDAY, "12:00"), weeks=1)
    # Held: 10:00 and 10:15 (release 08:00 + two hours' notice) on lane 1, every day.
    assert starts(day_before, TUESDAY)[:2] == ["10:30", "10:45"]
    before_release = free_slots(municipality=municipality, services=[passport], now=at(TUESDAY, "07:59"), weeks=1)
    assert starts(before_release, TUESDAY)[:1] == ["10:30"]
    after_release = free_slots(municipality=municipality, services=[passport], now=at(TUESDAY, "08:00"), weeks=1)
    assert starts(after_release, TUESDAY)[:2] == ["10:00", "10:15"]
    assert starts(after_release, TUESDAY + dt.timedelta(days=1))[:1] == ["10:30"]


def test_every_site_of_the_municipality_is_searched_unless_one_is_chosen(municipality, site, offers, passport):
    other = SiteFactory(municipality=municipality, name="Borgerservice Syd", kind=SiteKind.CITIZEN_SERVICE)
    OpeningHours.objects.create(site=other, area=Area.CITIZEN_SERVICE, weekday=1, opens=dt.time(8), closes=dt.time(9))
    setup = BookingSetup.objects.create(site=other, area=Area.CITIZEN_SERVICE)
    BookableService.objects.create(setup=setup, service=passport, min_notice_minutes=0)
    both = free_slots(municipality=municipality, services=[passport], now=NOW, weeks=1)
    assert {s.site for s in both} == {site, other}
    assert starts([s for s in both if s.site == other]) == ["08:00", "08:15", "08:30", "08:45"]
    assert {s.site for s in free_slots(municipality=municipality, services=[passport], site=site, now=NOW)} == {site}


def test_nearest_free_gives_the_closest_times_before_and_after(municipality, site, offers, passport):
    for lane in (1, 2):
        book(site, lane, at(TUESDAY, "11:00"), minutes=60)
    near = nearest_free(
        municipality=municipality, services=[passport], site=site, at=at(TUESDAY, "11:20"), count=2, now=NOW
    )
    assert [timezone_local(s) for s in near] == ["10:45", "12:00"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("switched_off", "Pas tilbydes ikke i kommunen."),
        ("walk_in", "Flytning kræver ikke tidsbestilling. Kom forbi i åbningstiden og tag et nummer."),
        ("inactive", "Pas kan ikke bestilles i kommunen."),
        ("none", "Vælg mindst én ting, du vil bestille tid til."),
    ],
)
def test_a_service_that_cannot_be_booked_is_refused_clearly(municipality, offers, passport, address, make, message):
    services = [passport]
    if make == "switched_off":
        ServiceOverrideFactory(municipality=municipality, service=passport, enabled=False)
    elif make == "walk_in":
        services = [address]
    elif make == "inactive":
        BookableService.objects.filter(pk=offers["passport"].pk).update(active=False)
    else:
        services = []
    with pytest.raises(SkrankeError, match=message):
        free_slots(municipality=municipality, services=services, now=NOW)


def test_a_walk_in_service_the_municipality_made_bookable_can_be_booked(municipality, setup, offers, address):
    BookableService.objects.create(setup=setup, service=address)
    assert free_slots(municipality=municipality, services=[address], now=NOW, weeks=1)


def test_four_weeks_at_three_sites_with_most_lanes_taken_offers_only_free_lanes(municipality, passport, licence, queue):
    sites = []
    for number in range(3):
        site = SiteFactory(municipality=municipality, name=f"Borgerservice {number}", kind=SiteKind.CITIZEN_SERVICE)
        for weekday in range(5):
            OpeningHours.objects.create(
                site=site, area=Area.CITIZEN_SERVICE, weekday=weekday, opens=dt.time(9), closes=dt.time(17)
            )
        setup = BookingSetup.objects.create(site=site, area=Area.CITIZEN_SERVICE, lanes=6)
        for service in (passport, licence):
            BookableService.objects.create(setup=setup, service=service, lanes=6)
        sites.append(site)
    # About 60 % of the lanes' time taken.
    rows = []
    for site in sites:
        for day in range(28):
            for lane in range(1, 7):
                for quarter in range(32):
                    if (day + lane + quarter) % 5 < 3:
                        start = at(MONDAY + dt.timedelta(days=day), "09:00") + dt.timedelta(minutes=15 * quarter)
                        rows.append(
                            Appointment(
                                site=site,
                                area=Area.CITIZEN_SERVICE,
                                lane=lane,
                                starts_at=start,
                                ends_at=start + dt.timedelta(minutes=15),
                                code=f"P{len(rows):07d}",
                                email="a@example.org",
                                created_at=NOW,
                            )
                        )
    Appointment.objects.bulk_create(rows)
    slots = free_slots(municipality=municipality, services=[passport, licence], now=NOW, weeks=4)
    assert slots
    # Speed is measured in bench/, not here; here: no slot lies on a lane that is taken at any of its minutes.
    taken = {(a.site_id, a.lane, a.starts_at) for a in rows}
    for slot in slots:
        for quarter in range(2):  # two 15-minute services: 30 minutes
            assert (slot.site.pk, slot.lane, slot.starts_at + dt.timedelta(minutes=15 * quarter)) not in taken
