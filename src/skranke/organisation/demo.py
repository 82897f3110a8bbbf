"""The demo municipality: Roskilde with three invented sites and staff.

The municipality is real; sites, counters, staff and their authorisations are
made up for the demo. Loading is idempotent: running it again changes
nothing that is already there.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from skranke.catalogue.models import Kind, Service
from skranke.errors import SkrankeError
from skranke.organisation.models import (
    Area,
    Authorisation,
    CooperationModel,
    Counter,
    Municipality,
    OpeningHours,
    ServiceOverride,
    Site,
    SiteKind,
    StaffGroup,
)
from skranke.organisation.roles import Role
from skranke.organisation.services import staff_member_create

DEMO_CODE = 265  # Roskilde
DEMO_PASSWORD = "skranke-demo"
# The two authority services the demo policy lets library staff do.
LIBRARY_AUTHORITY = ["mitid-issuance", "passport-collection"]

SITES = [
    # name, kind, street, postcode, city, counters [(name, area)], hours {area: [(weekdays, opens, closes)]}
    (
        "Roskilde Bibliotek",
        SiteKind.COMBINED,
        "Dronning Margrethes Vej 14",
        "4000",
        "Roskilde",
        [("Skranke 1", Area.LIBRARY), ("Skranke 2", Area.LIBRARY), ("Skranke 3", Area.CITIZEN_SERVICE)],
        {
            Area.LIBRARY: [((0, 1, 2, 3, 4), "10:00", "19:00"), ((5,), "10:00", "15:00")],
            Area.CITIZEN_SERVICE: [((0, 1, 2, 3), "10:00", "17:00"), ((4,), "10:00", "14:00")],
        },
    ),
    (
        "Borgerservice Roskilde",
        SiteKind.CITIZEN_SERVICE,
        "Rådhusbuen 1",
        "4000",
        "Roskilde",
        [(f"Skranke {n}", Area.CITIZEN_SERVICE) for n in range(1, 5)],
        {Area.CITIZEN_SERVICE: [((0, 1, 2), "10:00", "15:00"), ((3,), "10:00", "17:30"), ((4,), "10:00", "13:00")]},
    ),
    (
        "Jyllinge Bibliotek",
        SiteKind.LIBRARY,
        "Bygaden 2",
        "4040",
        "Jyllinge",
        [("Skranken", Area.LIBRARY)],
        {Area.LIBRARY: [((0, 1, 2, 3), "12:00", "18:00"), ((4,), "12:00", "16:00"), ((5,), "10:00", "13:00")]},
    ),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    staff_group: str
    home_site: str
    role: str
    description: str


USERS = [
    DemoUser(
        "lise",
        "Lise",
        "Holm",
        StaffGroup.LIBRARY,
        "Roskilde Bibliotek",
        Role.STAFF,
        "bibliotekar; bemyndiget til MitID-udstedelse og udlevering af pas",
    ),
    DemoUser(
        "jonas",
        "Jonas",
        "Berg",
        StaffGroup.LIBRARY,
        "Jyllinge Bibliotek",
        Role.STAFF,
        "bibliotekar; ingen bemyndigelser",
    ),
    DemoUser(
        "birgit",
        "Birgit",
        "Madsen",
        StaffGroup.CITIZEN_SERVICE,
        "Borgerservice Roskilde",
        Role.STAFF,
        "borgerservicemedarbejder; bemyndiget til alle myndighedsopgaver",
    ),
    DemoUser(
        "ahmad",
        "Ahmad",
        "Rahimi",
        StaffGroup.CITIZEN_SERVICE,
        "Roskilde Bibliotek",
        Role.STAFF,
        "borgerservicemedarbejder; bemyndigelse til kørekort udløbet, til navne- og adressebeskyttelse tilbagekaldt",
    ),
    DemoUser(
        "hanne",
        "Hanne",
        "Krogh",
        StaffGroup.CITIZEN_SERVICE,
        "Borgerservice Roskilde",
        Role.MANAGER,
        "leder af borgerservice og bibliotek",
    ),
    DemoUser(
        "admin",
        "Anders",
        "Admin",
        StaffGroup.CITIZEN_SERVICE,
        "Borgerservice Roskilde",
        Role.ADMINISTRATOR,
        "administrator for hele installationen",
    ),
]


def _service(key: str) -> Service:
    try:
        return Service.objects.get(key=key)
    except Service.DoesNotExist:
        raise SkrankeError(f"Ydelsen '{key}' findes ikke i kataloget; kør først `skranke load_catalogue`.") from None


@transaction.atomic
def demo_load() -> list[DemoUser]:
    """Create (or leave as is) the demo municipality; return the demo logins."""
    if not Service.objects.exists():
        raise SkrankeError("Kataloget er tomt; kør først `skranke load_catalogue`.")
    municipality = Municipality.objects.get(code=DEMO_CODE)
    municipality.cooperation_model = CooperationModel.WORKING_TOGETHER
    municipality.library_staff_authority = True
    municipality.authority_at_citizen_service_counter = True
    municipality.citizen_service_staff_library_work = True
    municipality.save()
    municipality.library_authority_services.set([_service(k) for k in LIBRARY_AUTHORITY])

    sites = {}
    for name, kind, street, postcode, city, counters, hours in SITES:
        site, _created = Site.objects.get_or_create(
            municipality=municipality,
            name=name,
            defaults={"kind": kind, "street": street, "postcode": postcode, "city": city},
        )
        sites[name] = site
        for counter_name, area in counters:
            Counter.objects.get_or_create(site=site, name=counter_name, defaults={"area": area})
        for area, rows in hours.items():
            for weekdays, opens, closes in rows:
                for weekday in weekdays:
                    OpeningHours.objects.get_or_create(
                        site=site, area=area, weekday=weekday, opens=opens, defaults={"closes": closes}
                    )

    user_model = get_user_model()
    members = {}
    for demo in USERS:
        user = user_model.objects.filter(username=demo.username).first()
        if user is None:
            member = staff_member_create(
                municipality=municipality,
                username=demo.username,
                first_name=demo.first_name,
                last_name=demo.last_name,
                email=f"{demo.username}@roskilde.demo.skranke.dk",
                staff_group=demo.staff_group,
                home_site=sites[demo.home_site],
                role=demo.role,
                password=DEMO_PASSWORD,
            )
            if demo.role == Role.ADMINISTRATOR:
                member.user.is_superuser = True
                member.user.save(update_fields=["is_superuser"])
        else:
            member = user.staff_member
        members[demo.username] = member

    granter = members["hanne"].user
    today = timezone.localdate()
    start = today - dt.timedelta(days=400)
    grants = [("lise", key, start, None, "Kursus i MitID og pasudlevering, KL 2025") for key in LIBRARY_AUTHORITY]
    grants += [
        ("birgit", s.key, start, None, "Borgerserviceuddannelse")
        for s in Service.objects.filter(kind=Kind.AUTHORITY, retired=False)
    ]
    grants += [
        ("ahmad", s.key, start, None, "Borgerserviceuddannelse")
        for s in Service.objects.filter(kind=Kind.AUTHORITY, retired=False).exclude(key__startswith="driving-licence")
    ]
    grants += [
        ("ahmad", s.key, start, today - dt.timedelta(days=30), "Midlertidig bemyndigelse under oplæring")
        for s in Service.objects.filter(kind=Kind.AUTHORITY, retired=False, key__startswith="driving-licence")
    ]
    for username, key, valid_from, valid_to, basis in grants:
        member = members[username]
        service = _service(key)
        if not Authorisation.objects.filter(staff_member=member, service=service).exists():
            Authorisation.objects.create(
                staff_member=member,
                municipality=municipality,
                service=service,
                valid_from=valid_from,
                valid_to=valid_to,
                basis=basis,
                granted_by=granter,
            )
    protection = Authorisation.objects.filter(
        staff_member=members["ahmad"], service__key="name-address-protection", revoked_at__isnull=True
    ).first()
    if protection is not None:
        protection.revoked_at = timezone.now()
        protection.revoked_by = granter
        protection.revocation_reason = "Flyttet til andre opgaver"
        protection.save()

    ServiceOverride.objects.get_or_create(
        municipality=municipality,
        service=_service("passport-application"),
        defaults={
            "needs_appointment": True,
            "guidance_note": "I Roskilde kræver pas altid tidsbestilling. Akuttider frigives kl. 9 hver dag.",
        },
    )
    return USERS
