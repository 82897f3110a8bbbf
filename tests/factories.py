"""factory_boy factories shared by the test suite."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from skranke.catalogue.models import Fee, Kind, LifeEvent, LifeEventStep, Service
from skranke.organisation.models import (
    Area,
    Authorisation,
    Counter,
    Municipality,
    OpeningHours,
    ServiceOverride,
    Site,
    SiteKind,
    StaffGroup,
    StaffMember,
)
from skranke.organisation.roles import Role


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"service-{n}")
    kind = Kind.AUTHORITY
    name_da = factory.LazyAttribute(lambda o: f"Ydelse {o.key}")
    name_en = factory.LazyAttribute(lambda o: f"Service {o.key}")
    authority = "Kommunen"
    duration_minutes = 10
    description_da = "Beskrivelse."
    description_en = "Description."


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fee

    service = factory.SubFactory(ServiceFactory)
    label = "Voksne"
    amount = 100
    valid_from = dt.date(2024, 1, 1)
    verified = True
    source = "test"


class LifeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeEvent

    key = factory.Sequence(lambda n: f"event-{n}")
    name_da = factory.LazyAttribute(lambda o: f"Livssituation {o.key}")
    name_en = factory.LazyAttribute(lambda o: f"Life event {o.key}")
    description_da = "Beskrivelse."


class LifeEventStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeEventStep

    life_event = factory.SubFactory(LifeEventFactory)
    position = factory.Sequence(lambda n: n + 1)
    service = factory.SubFactory(ServiceFactory)
    note = "Note."


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """Uses the municipalities the data migration loaded (101 København by default)."""

    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = 101


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Lokation {n}")
    kind = SiteKind.COMBINED


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    site = factory.SubFactory(SiteFactory)
    area = Area.LIBRARY
    weekday = 0
    opens = dt.time(10)
    closes = dt.time(17)


class CounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counter

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Skranke {n}")
    area = Area.CITIZEN_SERVICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Bruger {n}")
    password = factory.django.Password("test-password")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=[Role(r).value for r in extracted]))
            if any(r != Role.STAFF for r in extracted):
                self.is_staff = True
                self.save(update_fields=["is_staff"])


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    user = factory.SubFactory(UserFactory, roles=[Role.STAFF])
    municipality = factory.SubFactory(MunicipalityFactory)
    staff_group = StaffGroup.CITIZEN_SERVICE
    home_site = None


class ManagerFactory(StaffMemberFactory):
    user = factory.SubFactory(UserFactory, roles=[Role.MANAGER, Role.STAFF])


class AuthorisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorisation

    staff_member = factory.SubFactory(StaffMemberFactory)
    municipality = factory.LazyAttribute(lambda o: o.staff_member.municipality)
    service = factory.SubFactory(ServiceFactory)
    valid_from = dt.date(2020, 1, 1)
    valid_to = None
    basis = "Kursus"
    granted_by = factory.LazyAttribute(lambda o: o.staff_member.user)


class ServiceOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOverride

    municipality = factory.SubFactory(MunicipalityFactory)
    service = factory.SubFactory(ServiceFactory)
