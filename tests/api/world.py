"""A municipality (Roskilde, 265) set up for the API tests, and a second one (Frederiksberg, 147) to be kept out.

Every area is open around the clock, so tickets can be taken whenever the
tests run; Borgerservice takes appointments for passports on two lanes.
"""

import datetime as dt
from dataclasses import dataclass, field

from rest_framework.test import APIClient

from skranke.api.models import Scope
from skranke.api.services import api_token_create
from skranke.bookings.models import BookableService, BookingSetup
from skranke.catalogue.models import CatalogueVersion, Kind, Service
from skranke.organisation.models import (
    Area,
    Counter,
    Municipality,
    OpeningHours,
    Site,
    SiteKind,
    StaffGroup,
    StaffMember,
)
from skranke.organisation.services import authorisation_grant
from skranke.queues.models import Queue
from tests.factories import (
    CounterFactory,
    FeeFactory,
    LifeEventFactory,
    LifeEventStepFactory,
    ManagerFactory,
    MunicipalityFactory,
    ServiceFactory,
    SiteFactory,
    StaffMemberFactory,
)


@dataclass
class Place:
    municipality: Municipality
    site: Site
    counter: Counter  # Borgerservice
    library_counter: Counter
    queue: Queue  # Borgerservice: passports
    library_queue: Queue
    officer: StaffMember
    librarian: StaffMember
    manager: StaffMember
    tokens: dict[str, str] = field(default_factory=dict)  # name -> secret

    def client(self, token: str | None = None) -> APIClient:
        client = APIClient()
        if token is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.tokens[token]}")
        return client


def catalogue() -> dict[str, Service]:
    passport = ServiceFactory(
        key="passport-application",
        kind=Kind.AUTHORITY,
        name_da="Pas",
        name_en="Passport",
        authority="Kommunen og Rigspolitiet",
        documents=["Dit gamle pas", "Et billede"],
        search_words=["pas", "rejse"],
        needs_appointment=True,
        duration_minutes=15,
    )
    FeeFactory(service=passport, label="Voksne", amount=893, valid_from=dt.date(2024, 1, 1))
    FeeFactory(service=passport, label="Voksne", amount=9999, valid_from=dt.date(2099, 1, 1))
    loan = ServiceFactory(
        key="library-loan",
        kind=Kind.LIBRARY,
        name_da="Lån af bøger",
        name_en="Borrowing books",
        search_words=["bog", "låne"],
    )
    help_ = ServiceFactory(
        key="digital-help",
        kind=Kind.GUIDANCE,
        name_da="Hjælp til MitID",
        name_en="Help with MitID",
        search_words=["mitid"],
    )
    address = ServiceFactory(key="address-change", kind=Kind.AUTHORITY, name_da="Flytning", name_en="Moving")
    step = LifeEventStepFactory(
        life_event=LifeEventFactory(key="moving", name_da="Flytning"), service=address, position=1
    )
    LifeEventStepFactory(life_event=step.life_event, service=passport, position=2)
    CatalogueVersion.objects.create(version="2026.12.1", checksum="a" * 64)
    return {"passport": passport, "loan": loan, "help": help_, "address": address}


def _open_all_day(site: Site) -> None:
    for area in site.areas:
        for weekday in range(7):
            OpeningHours.objects.create(
                site=site, area=area, weekday=weekday, opens=dt.time(0), closes=dt.time(23, 59, 59)
            )


def build(code: int = 265, services: dict[str, Service] | None = None, *, name: str = "Roskilde Bibliotek") -> Place:
    services = services or catalogue()
    municipality = MunicipalityFactory(code=code)
    site = SiteFactory(
        municipality=municipality, name=name, kind=SiteKind.COMBINED, street="Dronning Margrethes Vej 14"
    )
    _open_all_day(site)
    counter = CounterFactory(site=site, name="Skranke 1", area=Area.CITIZEN_SERVICE)
    library_counter = CounterFactory(site=site, name="Skranke 2", area=Area.LIBRARY)
    queue = Queue.objects.create(site=site, name="Borgerservice", area=Area.CITIZEN_SERVICE, letter="B")
    queue.services.set([services["passport"], services["address"]])
    library_queue = Queue.objects.create(site=site, name="Bibliotek", area=Area.LIBRARY, letter="L")
    library_queue.services.set([services["loan"], services["help"]])
    setup = BookingSetup.objects.create(site=site, area=Area.CITIZEN_SERVICE, lanes=2)
    BookableService.objects.create(setup=setup, service=services["passport"], duration_minutes=15, lanes=2)
    manager = ManagerFactory(municipality=municipality, home_site=site, user__username=f"leder-{code}")
    officer = StaffMemberFactory(
        municipality=municipality, staff_group=StaffGroup.CITIZEN_SERVICE, home_site=site, user__username=f"bs-{code}"
    )
    librarian = StaffMemberFactory(
        municipality=municipality, staff_group=StaffGroup.LIBRARY, home_site=site, user__username=f"bib-{code}"
    )
    for member in (officer, manager):
        authorisation_grant(
            staff_member=member,
            service=services["passport"],
            valid_from=dt.date(2020, 1, 1),
            basis="Paskursus",
            granted_by=manager.user,
        )
    place = Place(municipality, site, counter, library_counter, queue, library_queue, officer, librarian, manager)
    for key, scopes, member in (
        ("kiosk", [Scope.KIOSK], None),
        ("staff", [Scope.STAFF, Scope.BOOKING], officer),
        ("librarian", [Scope.STAFF], librarian),
        ("manager", [Scope.MANAGER, Scope.STAFF], manager),
        ("statistics", [Scope.MANAGER], None),
        ("booking", [Scope.BOOKING], None),
        ("officer_as_manager", [Scope.MANAGER], officer),
    ):
        _token, secret = api_token_create(name=key, municipality=municipality, scopes=scopes, staff_member=member)
        place.tokens[key] = secret
    return place
