"""A combined site open all week, with a library queue and a Borgerservice queue."""

import datetime as dt

import pytest

from skranke.catalogue.models import Kind
from skranke.organisation.models import Area, OpeningHours, SiteKind, StaffGroup
from skranke.queues.models import Queue
from tests.factories import CounterFactory, MunicipalityFactory, ServiceFactory, SiteFactory, StaffMemberFactory


@pytest.fixture
def site(db):
    site = SiteFactory(municipality=MunicipalityFactory(code=265), name="Roskilde Bibliotek", kind=SiteKind.COMBINED)
    for area in (Area.LIBRARY, Area.CITIZEN_SERVICE):
        for weekday in range(7):
            OpeningHours.objects.create(
                site=site, area=area, weekday=weekday, opens=dt.time(0), closes=dt.time(23, 59, 59)
            )
    return site


@pytest.fixture
def passport(db):
    return ServiceFactory(key="passport-application", kind=Kind.AUTHORITY, name_da="Pas")


@pytest.fixture
def mitid(db):
    return ServiceFactory(key="mitid-issuance", kind=Kind.AUTHORITY, name_da="MitID")


@pytest.fixture
def loan(db):
    return ServiceFactory(key="library-loan", kind=Kind.LIBRARY, name_da="Lån")


@pytest.fixture
def borgerservice(site, passport, mitid):
    queue = Queue.objects.create(site=site, name="Borgerservice", area=Area.CITIZEN_SERVICE, letter="B")
    queue.services.set([passport, mitid])
    return queue


@pytest.fixture
def library(site, loan):
    queue = Queue.objects.create(site=site, name="Bibliotek", area=Area.LIBRARY, letter="L")
    queue.services.set([loan])
    return queue


@pytest.fixture
def citizen_counter(site):
    return CounterFactory(site=site, name="Skranke 3", area=Area.CITIZEN_SERVICE)


@pytest.fixture
def officer(site):
    return StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.CITIZEN_SERVICE)
