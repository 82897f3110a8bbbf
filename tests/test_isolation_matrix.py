"""The isolation matrix: every page, admin view and API endpoint, classified, tried by another municipality's users.

Frederiksberg (B) must never see a marker of Roskilde's (A), change or point at A's rows, or get a 500.
The API is tried with B's tokens: each user below also sends the API token that acts as them.
"""

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from unittest import mock

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import timezone

from skranke.api.models import Scope
from skranke.api.services import api_token_create
from skranke.bookings.models import (
    Appointment,
    AppointmentDay,
    AppointmentService,
    BookableService,
    BookingSetup,
    Closure,
    WaitlistEntry,
    WaitlistStatus,
)
from skranke.bookings.models import Status as AppointmentStatus
from skranke.bookings.services import appointment_token
from skranke.bookings.waitlist import waitlist_token
from skranke.catalogue.models import CatalogueVersion, Kind, LifeEvent, Service
from skranke.contacts.models import Contact, ContactService, Outcome, SatisfactionChannel, SatisfactionResponse
from skranke.insights.exports import TABLES as EXPORT_TABLES
from skranke.organisation.models import (
    Area,
    Counter,
    Municipality,
    Site,
    SiteKind,
    StaffGroup,
    StaffMember,
)
from skranke.organisation.services import authorisation_grant, authorisation_revoke
from skranke.privacy.cpr import citizen_hash, parse
from skranke.privacy.models import Action, DataKind
from skranke.privacy.services import audit_record, retention_set
from skranke.queues.models import Channel, CounterPresence, Queue, Status, Ticket, TicketService
from skranke.web.views_satisfaction import tablet_token
from skranke.web.workplace import SESSION_COUNTER_KEY
from tests.factories import (
    CounterFactory,
    FeeFactory,
    LifeEventFactory,
    LifeEventStepFactory,
    ManagerFactory,
    OpeningHoursFactory,
    ServiceFactory,
    ServiceOverrideFactory,
    SiteFactory,
    StaffMemberFactory,
    UserFactory,
)

# The matrix

PUBLIC = "PUBLIC"  # nobody's data: signing in and out, the language switch, the accessibility statement
SHARED = "SHARED"  # the same for every municipality: the national catalogue, the role groups
MUNICIPAL = "MUNICIPAL"  # one municipality's data, or its own view of shared data (notes, verdicts)
# A site's pages for citizens: no login and no personal data; a site's by its number, a ticket's only
# by its secret token. Probed with B's own site and tickets, and with A's tokens where B's site is named.
CITIZEN = "CITIZEN"

STANDARD_ADMIN_VIEWS = ("changelist", "add", "change", "delete", "history")


def admin_views(label: str, cls: str) -> dict[str, str]:
    """The views Django's ModelAdmin gives every registered model, with the unnamed bare-id redirect."""
    app_label, model_name = label.split(".")
    views = {f"admin:{app_label}_{model_name}_{view}": cls for view in STANDARD_ADMIN_VIEWS}
    views[f"admin/{app_label}/{model_name}/<path:object_id>/"] = cls
    return views


ISOLATION_MATRIX: dict[str, str] = {
    "login": PUBLIC,
    "oidc_authentication_init": PUBLIC,  # single sign-on: off in tests unless switched on (404)
    "oidc_authentication_callback": PUBLIC,
    "logout": PUBLIC,
    "set_language": PUBLIC,
    "web:accessibility": PUBLIC,
    "admin:login": PUBLIC,
    "admin:logout": PUBLIC,
    "admin:password_change": PUBLIC,  # the signed-in user's own password
    "admin:password_change_done": PUBLIC,
    "admin:jsi18n": PUBLIC,
    "admin/(?P<url>.*)$": PUBLIC,  # the admin's catch-all: a 404 or the login page
    "admin:app_list": SHARED,
    "web:life_events": SHARED,
    **admin_views("catalogue.service", SHARED),
    **admin_views("catalogue.lifeevent", SHARED),
    **admin_views("catalogue.catalogueversion", SHARED),
    **admin_views("auth.group", SHARED),  # the three roles
    "admin:index": MUNICIPAL,  # "recent actions"
    "admin:autocomplete": MUNICIPAL,
    "admin:view_on_site": MUNICIPAL,
    "web:home": MUNICIPAL,
    "web:choose_counter": MUNICIPAL,
    "web:services": MUNICIPAL,  # what the municipality offers, and the verdicts by its policy
    "web:service": MUNICIPAL,  # the municipality's guidance and fee notes
    "web:life_event": MUNICIPAL,  # verdicts by the municipality's policy
    "web:audit_log": MUNICIPAL,
    "web:access_report": MUNICIPAL,
    "web:counter": MUNICIPAL,
    "web:counter_action": MUNICIPAL,
    "web:counter_finish": MUNICIPAL,
    "web:counter_contact": MUNICIPAL,
    "web:queue_overview": MUNICIPAL,
    "web:appointments": MUNICIPAL,  # the day's appointments, names and contact details
    "web:appointment_action": MUNICIPAL,
    "web:staff_booking_times": MUNICIPAL,
    "web:staff_booking_details": MUNICIPAL,
    "web:insights": MUNICIPAL,  # the manager's key figures
    "web:insights_quality": MUNICIPAL,  # library against Borgerservice staff, by service
    "web:insights_staffing": MUNICIPAL,  # counters needed hour by hour
    "web:insights_export": MUNICIPAL,
    "web:insights_national": MUNICIPAL,  # every municipality's figures: administrators only
    "web:kiosk": CITIZEN,
    "web:kiosk_suggest": CITIZEN,
    "web:kiosk_take": CITIZEN,
    "web:kiosk_ticket": CITIZEN,
    "web:board": CITIZEN,
    "web:phone": CITIZEN,
    "web:phone_cancel": CITIZEN,
    "web:kiosk_check_in": CITIZEN,  # a site's kiosk, like the ticket machine
    "web:phone_answer": CITIZEN,  # the satisfaction question on a ticket's phone page, by its token
    # A counter's satisfaction tablet, only by its signed address.
    "web:satisfaction_tablet": CITIZEN,
    "web:satisfaction_tablet_answer": CITIZEN,
    # A municipality's booking pages by its number, like a site's kiosk by the site's: its public offer.
    "web:booking_start": CITIZEN,
    "web:booking_times": CITIZEN,
    "web:booking_details": CITIZEN,
    # A booking's pages only by its signed link, like a ticket's phone page by its token.
    "web:booking_confirmed": CITIZEN,
    "web:booking_ics": CITIZEN,
    "web:booking_manage": CITIZEN,
    "web:booking_move": CITIZEN,
    "web:booking_waitlist": CITIZEN,
    "web:waitlist_offer": CITIZEN,  # a waitlist entry's offer by its signed link
    **admin_views("queues.queue", MUNICIPAL),
    **admin_views("bookings.closure", MUNICIPAL),
    **admin_views("bookings.bookingsetup", MUNICIPAL),
    **admin_views("organisation.municipality", MUNICIPAL),
    **admin_views("organisation.site", MUNICIPAL),
    **admin_views("organisation.counter", MUNICIPAL),
    **admin_views("organisation.staffmember", MUNICIPAL),
    **admin_views("organisation.authorisation", MUNICIPAL),
    **admin_views("organisation.serviceoverride", MUNICIPAL),
    **admin_views("privacy.auditentry", MUNICIPAL),
    **admin_views("privacy.retentionsetting", MUNICIPAL),
    **admin_views("auth.user", MUNICIPAL),  # every login is a municipality's staff member
    "admin:auth_user_password_change": MUNICIPAL,
    # The REST API (/api/). Its docs, schema and root are nobody's data.
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:root": PUBLIC,
    # A municipality's public offer by its code, a site's by its id, a ticket or booking only by its token:
    # as the citizens' pages, but a token finds only its own municipality's (404 for A's, whatever the object).
    "api:services": CITIZEN,
    "api:service": CITIZEN,
    "api:life_events": CITIZEN,
    "api:triage": CITIZEN,
    "api:sites": CITIZEN,
    "api:site": CITIZEN,
    "api:queues": CITIZEN,
    "api:display": CITIZEN,
    "api:ticket_issue": CITIZEN,  # a kiosk token's
    "api:ticket": CITIZEN,
    "api:ticket_cancel": CITIZEN,
    "api:bookable_services": CITIZEN,
    "api:slots": CITIZEN,
    "api:appointment_book": CITIZEN,
    "api:appointment": CITIZEN,
    "api:appointment_cancel": CITIZEN,
    "api:appointment_move": CITIZEN,
    # A token acting as a staff member: the counter, contacts; a manager's: the key figures.
    "api:counters": MUNICIPAL,
    "api:call_next": MUNICIPAL,
    "api:recall": MUNICIPAL,
    "api:start": MUNICIPAL,
    "api:no_show": MUNICIPAL,
    "api:finish": MUNICIPAL,
    "api:contact_record": MUNICIPAL,
    "api:contact_search": MUNICIPAL,
    "api:kpis": MUNICIPAL,
    **admin_views("api.apitoken", MUNICIPAL),
}

# Whose rows each model holds: the lookup from the model to its municipality ("" for Municipality itself).
MUNICIPAL_ROWS = {
    "organisation.municipality": "",
    "organisation.site": "municipality",
    "organisation.openinghours": "site__municipality",
    "organisation.counter": "site__municipality",
    "organisation.staffmember": "municipality",
    "organisation.authorisation": "municipality",
    "organisation.serviceoverride": "municipality",
    "privacy.auditentry": "municipality",
    "privacy.auditchain": "municipality",
    "privacy.retentionsetting": "municipality",
    "queues.queue": "site__municipality",
    "queues.ticketday": "queue__site__municipality",
    "queues.ticket": "queue__site__municipality",
    "queues.ticketservice": "ticket__queue__site__municipality",
    "queues.counterpresence": "counter__site__municipality",
    "contacts.contact": "site__municipality",
    "bookings.closure": "site__municipality",
    "bookings.bookingsetup": "site__municipality",
    "bookings.bookableservice": "setup__site__municipality",
    "bookings.appointmentday": "site__municipality",
    "bookings.appointment": "site__municipality",
    "bookings.appointmentservice": "appointment__site__municipality",
    "bookings.waitlistentry": "site__municipality",
    "contacts.contactservice": "contact__site__municipality",
    "contacts.satisfactionresponse": "contact__site__municipality",
    "auth.user": "staff_member__municipality",
    "admin.logentry": "user__staff_member__municipality",
    "api.apitoken": "municipality",
    # The contacts' daily roll-ups the key figures read.
    "contacts.rolledupday": "site__municipality",
    "contacts.contactday": "rolled_up__site__municipality",
    "contacts.serviceday": "rolled_up__site__municipality",
    "contacts.callday": "rolled_up__site__municipality",
    "contacts.estimateday": "rolled_up__site__municipality",
}
SHARED_ROWS = {
    "catalogue.service",
    "catalogue.fee",
    "catalogue.lifeevent",
    "catalogue.lifeeventstep",
    "catalogue.catalogueversion",
    "auth.group",
}
NOT_DATA = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    # django-axes' failed-login bookkeeping, like sessions; no admin pages show it.
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accessfailurelog",
    "axes.accesslog",
    # django-tasks' queue of background work (reminders, offers): one list for the whole installation,
    # like sessions; its admin is unregistered (bookings/admin.py) and no page shows it.
    "django_tasks_database.dbtaskresult",
}


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name
        else:
            yield prefix + str(pattern.pattern)


def existing_views() -> list[str]:
    """Every URL pattern of the project, and every view of every registered ModelAdmin (custom get_urls too)."""
    found = dict.fromkeys(_walk(get_resolver().url_patterns))
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        found.update(dict.fromkeys(_walk(model_admin.get_urls(), prefix, "admin")))
    return list(found)


def _admin_model_views() -> dict[str, tuple[admin.ModelAdmin, str]]:
    views = {}
    for model, model_admin in admin.site._registry.items():
        app_label, model_name = model._meta.app_label, model._meta.model_name
        for view in STANDARD_ADMIN_VIEWS:
            views[f"admin:{app_label}_{model_name}_{view}"] = (model_admin, view)
        views[f"admin/{app_label}/{model_name}/<path:object_id>/"] = (model_admin, "redirect")
    return views


VIEWS = existing_views()
ADMIN_MODEL_VIEWS = _admin_model_views()

# The most privileged non-administrator everywhere; the plain staff member on the staff pages too.
# "manager" stands at B's Borgerservice counter; "staff" used to work in A: A granted them an
# authorisation, and their session still names A's counter.
USERS_ADMIN = ["manager"]
USERS_STAFF_PAGES = ["manager", "staff"]

# Cases that fail today, as (test, view, user) -> reason, test being "sees" or "changes"; each is an
# xfail(strict=True), so fixing the cause makes the case fail until it is removed here.
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {}


def users_for(view: str) -> list[str]:
    return USERS_ADMIN if view.startswith("admin") else USERS_STAFF_PAGES


def changes_data(view: str) -> bool:
    if view in ADMIN_MODEL_VIEWS:
        return ADMIN_MODEL_VIEWS[view][1] in ("changelist", "add", "change", "delete")
    return view in {
        "web:choose_counter",
        "admin:auth_user_password_change",
        "web:counter_action",
        "web:counter_finish",
        "web:counter_contact",
        "web:kiosk_take",
        "web:phone_cancel",
        "web:kiosk_check_in",
        "web:phone_answer",
        "web:satisfaction_tablet_answer",
        "web:booking_details",
        "web:booking_manage",
        "web:booking_move",
        "web:booking_waitlist",
        "web:waitlist_offer",
        "web:appointment_action",
        "web:staff_booking_details",
        "api:ticket_issue",
        "api:ticket_cancel",
        "api:appointment_book",
        "api:appointment_cancel",
        "api:appointment_move",
        "api:call_next",
        "api:recall",
        "api:start",
        "api:no_show",
        "api:finish",
        "api:contact_record",
    }


def case(test: str, view: str, user: str):
    reason = KNOWN_FAILURES.get((test, view, user))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(view, user, id=f"{view}-{user}", marks=marks)


READ_CASES = [case("sees", view, user) for view in VIEWS for user in users_for(view)]
WRITE_CASES = [case("changes", view, user) for view in VIEWS if changes_data(view) for user in users_for(view)]

# The world: A with markers everywhere, B with plain data

A_MARK = "ROSKILDE-ONLY"
MARKER = re.compile(r"roskilde-only-\d+", re.IGNORECASE)
# A's rows are dated 1987, so a date of A's on B's page is found like a marker.
A_TIME = dt.datetime(1987, 6, 5, 9, 30, tzinfo=dt.UTC)
A_YEAR = "1987"
A_YEAR_TOKEN = re.compile(rf"(?<![0-9A-Za-z]){A_YEAR}(?![0-9A-Za-z])")
A_CITIZEN = "0707614285"  # appears only in A's trail
B_CITIZEN = "1502803456"
_hijack = itertools.count(1)


class Marks:
    def __init__(self):
        self.count = itertools.count(1)

    def __call__(self) -> str:
        return f"{A_MARK}-{next(self.count)}"

    def user(self) -> dict:
        return {
            "user__username": self(),
            "user__first_name": self(),
            "user__last_name": self(),
            "user__email": f"{self().lower()}@roskilde.example",
        }


@dataclass
class Side:
    municipality: Municipality
    manager: StaffMember
    staff: StaffMember
    librarian: StaffMember
    counter: Counter  # Borgerservice
    library_counter: Counter


@dataclass
class World:
    a: Side
    b: Side
    root: Client  # an administrator, who reads A's forms to build plausible posts
    # The API token each user sends (every scope, acting as that user): B's manager, B's staff member, A's manager.
    tokens: dict[str, str] = field(default_factory=dict)

    def rows(self, model, side: Side):
        path = MUNICIPAL_ROWS[model._meta.label_lower]
        lookup = {"pk": side.municipality.pk} if path == "" else {path: side.municipality}
        return model._base_manager.filter(**lookup).order_by("pk")

    def client(self, who: str) -> Client:
        user, counter = {
            "manager": (self.b.manager.user, self.b.counter),
            "staff": (self.b.staff.user, self.a.counter),
            "owner": (self.a.manager.user, self.a.counter),
        }[who]
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}
        client = Client(raise_request_exception=False, headers=headers)
        client.force_login(user)
        session = client.session
        session[SESSION_COUNTER_KEY] = counter.pk
        session.save()
        return client


def _catalogue() -> dict[str, Service]:
    passport = ServiceFactory(key="passport-application", kind=Kind.AUTHORITY, name_da="Pas", guidance_steps=["Foto"])
    FeeFactory(service=passport, label="Voksne", amount=893)
    address = ServiceFactory(key="address-change", kind=Kind.AUTHORITY, name_da="Flytning")
    loan = ServiceFactory(key="library-loan", kind=Kind.LIBRARY, name_da="Lån")
    help_ = ServiceFactory(key="digital-help", kind=Kind.GUIDANCE, name_da="Hjælp til MitID")
    LifeEventStepFactory(life_event=LifeEventFactory(key="moving"), service=address, position=1)
    CatalogueVersion.objects.create(version="2026.11.2", checksum="0" * 64)
    return {"passport": passport, "address": address, "loan": loan, "help": help_}


def _build_roskilde(services, mark: Marks) -> tuple[Side, StaffMember]:
    municipality = Municipality.objects.get(code=265)
    municipality.name = f"Roskilde {mark()}"
    municipality.library_staff_authority = True
    municipality.save()
    municipality.library_authority_services.set([services["passport"]])
    main = SiteFactory(municipality=municipality, name=mark(), street=mark(), city=mark(), kind=SiteKind.COMBINED)
    branch = SiteFactory(municipality=municipality, name=mark(), street=mark(), city=mark(), kind=SiteKind.LIBRARY)
    OpeningHoursFactory(site=main, area=Area.CITIZEN_SERVICE, weekday=1, opens=dt.time(6, 17), closes=dt.time(9, 43))
    # Open around the clock too, so A's kiosk would check A's code in at any hour the probes run.
    for weekday in range(7):
        OpeningHoursFactory(
            site=main, area=Area.CITIZEN_SERVICE, weekday=weekday, opens=dt.time(0), closes=dt.time(23, 59)
        )
    OpeningHoursFactory(site=branch, area=Area.LIBRARY, weekday=5, opens=dt.time(6, 17), closes=dt.time(21, 43))
    counter = CounterFactory(site=main, name=mark(), area=Area.CITIZEN_SERVICE)
    library_counter = CounterFactory(site=main, name=mark(), area=Area.LIBRARY)
    CounterFactory(site=branch, name=mark(), area=Area.LIBRARY)
    manager = ManagerFactory(municipality=municipality, home_site=main, **mark.user())
    officer = StaffMemberFactory(
        municipality=municipality, staff_group=StaffGroup.CITIZEN_SERVICE, home_site=main, **mark.user()
    )
    librarian = StaffMemberFactory(
        municipality=municipality, staff_group=StaffGroup.LIBRARY, home_site=branch, **mark.user()
    )
    # Moves to B later; B must not see what A granted them.
    mover = StaffMemberFactory(
        municipality=municipality,
        staff_group=StaffGroup.CITIZEN_SERVICE,
        user__username="fbg-flytter",
        user__first_name="Mads",
        user__last_name="Flytter",
    )
    passport = services["passport"]
    for holder in (officer, mover):
        authorisation_grant(
            staff_member=holder, service=passport, valid_from=A_TIME.date(), basis=mark(), granted_by=manager.user
        )
    revoked = authorisation_grant(
        staff_member=librarian, service=passport, valid_from=A_TIME.date(), basis=mark(), granted_by=manager.user
    )
    authorisation_revoke(authorisation=revoked, revoked_by=manager.user, reason=mark())
    ServiceOverrideFactory(
        municipality=municipality,
        service=passport,
        guidance_note=mark(),
        fee_note=mark(),
        duration_minutes=87,
        needs_appointment=True,
    )
    ServiceOverrideFactory(
        municipality=municipality, service=services["loan"], enabled=False, guidance_note=mark(), fee_note=mark()
    )
    retention_set(municipality=municipality, kind=DataKind.AUDIT, days=1987, changed_by=manager.user)
    retention_set(municipality=municipality, kind=DataKind.TICKET_CONTACT, days=3, changed_by=manager.user)
    citizen = parse(A_CITIZEN)
    for actor, action in ((officer.user, Action.READ), (manager.user, Action.SEARCH)):
        audit_record(
            municipality=municipality,
            action=action,
            actor=actor,
            client_address="192.0.2.65",
            object_type=mark(),
            object_id=mark(),
            citizen=citizen,
            purpose=mark(),
            criteria={"note": mark()},
            detail=mark(),
        )
    _counter_day(main, counter, officer, passport, mark)
    _bookings(main, passport, mark)
    LogEntry.objects.create(
        user=manager.user,
        content_type=ContentType.objects.get_for_model(Site),
        object_id=str(main.pk),
        object_repr=mark(),
        action_flag=CHANGE,
        change_message=mark(),
        action_time=A_TIME,
    )
    return Side(municipality, manager, officer, librarian, counter, library_counter), mover


def _counter_day(site, counter, officer, service, mark: Marks) -> None:
    """A's queue with a waiting and a called ticket, the officer at the counter, and a recorded contact."""
    queue = Queue.objects.create(site=site, name=mark(), area=Area.CITIZEN_SERVICE, letter="R")
    queue.services.set([service])
    waiting = Ticket.objects.create(
        queue=queue,
        day=A_TIME.date(),
        number=1,
        issued_at=A_TIME,
        phone="12345678",
        email=f"{mark().lower()}@roskilde.example",
        note=mark(),
    )
    called = Ticket.objects.create(
        queue=queue,
        day=A_TIME.date(),
        number=2,
        issued_at=A_TIME,
        status=Status.CALLED,
        counter=counter,
        staff=officer.user,
        called_at=A_TIME,
        note=mark(),
    )
    for ticket in (waiting, called):
        TicketService.objects.create(ticket=ticket, service=service)
    CounterPresence.objects.create(counter=counter, staff=officer, since=A_TIME, last_seen=A_TIME)
    contact = Contact.objects.create(
        site=site,
        counter=counter,
        area=Area.CITIZEN_SERVICE,
        staff=officer.user,
        staff_group=officer.staff_group,
        channel=Channel.WALK_IN,
        started_at=A_TIME,
        finished_at=A_TIME,
        service_seconds=1987,
        citizen=citizen_hash(parse(A_CITIZEN)),
    )
    ContactService.objects.create(contact=contact, service=service, outcome=Outcome.REFERRED, referred_to=mark())
    SatisfactionResponse.objects.create(
        contact=contact, face=2, comment=mark(), channel=SatisfactionChannel.TABLET, answered_at=A_TIME
    )


def _bookings(site, service, mark) -> None:
    """A's booking setup, a closure, a booked appointment and a waitlist entry."""
    setup = BookingSetup.objects.create(site=site, area=Area.CITIZEN_SERVICE, lanes=2)
    BookableService.objects.create(setup=setup, service=service, duration_minutes=87, lanes=2)
    Closure.objects.create(site=site, first_day=A_TIME.date(), last_day=A_TIME.date(), reason=mark())
    appointment = Appointment.objects.create(
        site=site,
        area=Area.CITIZEN_SERVICE,
        lane=1,
        starts_at=A_TIME,
        ends_at=A_TIME + dt.timedelta(minutes=87),
        code="RSKLDE87",
        name=mark(),
        email=f"{mark().lower()}@roskilde.example",
        created_at=A_TIME,
    )
    AppointmentService.objects.create(appointment=appointment, service=service)
    AppointmentDay.objects.create(site=site, area=Area.CITIZEN_SERVICE, day=A_TIME.date())
    entry = WaitlistEntry.objects.create(
        site=site,
        area=Area.CITIZEN_SERVICE,
        email=f"{mark().lower()}@roskilde.example",
        latest_day=A_TIME.date(),
        created_at=A_TIME,
    )
    entry.services.set([service])
    # Live ones too, so A's code or link would work if a probe got through with it: a time today that
    # A's kiosk would check in, and a time held for a waitlist entry's offer. (timezone.now is 1987 here.)
    soon = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(minutes=5)
    today, held = (
        Appointment.objects.create(
            site=site,
            area=Area.CITIZEN_SERVICE,
            lane=lane,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=87),
            status=status,
            code=code,
            name=mark(),
            email=f"{mark().lower()}@roskilde.example",
            phone="12345678",
            created_at=A_TIME,
        )
        for lane, starts_at, status, code in (
            (1, soon, AppointmentStatus.BOOKED, "RSKIDAG1"),
            (2, soon + dt.timedelta(days=2), AppointmentStatus.HELD, "RSKHELD1"),
        )
    )
    for appointment in (today, held):
        AppointmentService.objects.create(appointment=appointment, service=service)
    offer = WaitlistEntry.objects.create(
        site=site,
        area=Area.CITIZEN_SERVICE,
        name=mark(),
        email=f"{mark().lower()}@roskilde.example",
        latest_day=held.starts_at.date(),
        status=WaitlistStatus.OFFERED,
        offered=held,
        offer_expires_at=soon + dt.timedelta(days=1),
        created_at=A_TIME,
    )
    offer.services.set([service])


def _frederiksberg_bookings(site, service) -> None:
    """B's own time today (checked in at B's kiosk by the probes), and a time held for its waitlist entry."""
    soon = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=5)
    booked, held = (
        Appointment.objects.create(
            site=site,
            area=Area.CITIZEN_SERVICE,
            lane=1,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=30),
            status=status,
            code=code,
            name="Frederik Borger",
            email="frederik@frederiksberg.example",
            created_at=timezone.now(),
        )
        for starts_at, status, code in (
            (soon, AppointmentStatus.BOOKED, "FBGIDAG1"),
            (soon + dt.timedelta(days=2), AppointmentStatus.HELD, "FBGHELD1"),
        )
    )
    for appointment in (booked, held):
        AppointmentService.objects.create(appointment=appointment, service=service)
    entry = WaitlistEntry.objects.create(
        site=site,
        area=Area.CITIZEN_SERVICE,
        email="frida@frederiksberg.example",
        latest_day=timezone.localdate(held.starts_at),
        status=WaitlistStatus.OFFERED,
        offered=held,
        offer_expires_at=timezone.now() + dt.timedelta(days=1),
        created_at=timezone.now(),
    )
    entry.services.set([service])


def _build_frederiksberg(services, mover: StaffMember) -> Side:
    municipality = Municipality.objects.get(code=147)
    main = SiteFactory(municipality=municipality, name="Frederiksberg Hovedbibliotek", kind=SiteKind.COMBINED)
    OpeningHoursFactory(site=main, area=Area.LIBRARY, weekday=0)
    counter = CounterFactory(site=main, name="Borgerservice 1", area=Area.CITIZEN_SERVICE)
    library_counter = CounterFactory(site=main, name="Udlån 1", area=Area.LIBRARY)
    queue = Queue.objects.create(site=main, name="Borgerservice", area=Area.CITIZEN_SERVICE, letter="B")
    queue.services.set([services["passport"]])
    setup = BookingSetup.objects.create(site=main, area=Area.CITIZEN_SERVICE)
    BookableService.objects.create(setup=setup, service=services["passport"])
    _frederiksberg_bookings(main, services["passport"])
    Closure.objects.create(site=main, first_day=timezone.localdate(), last_day=timezone.localdate(), reason="Jul")
    ticket = Ticket.objects.create(queue=queue, day=timezone.localdate(), number=1, issued_at=timezone.now())
    TicketService.objects.create(ticket=ticket, service=services["passport"])
    # B's people get names of their own: a factory's numbered name ("Bruger 1987") would read as A's year.
    manager = ManagerFactory(
        municipality=municipality,
        home_site=main,
        user__username="fbg-leder",
        user__first_name="Frida",
        user__last_name="Berg",
    )
    librarian = StaffMemberFactory(
        municipality=municipality,
        staff_group=StaffGroup.LIBRARY,
        home_site=main,
        user__username="fbg-bibliotekar",
        user__last_name="Bang",
    )
    StaffMember.objects.filter(pk=mover.pk).update(municipality=municipality, home_site=main)
    mover.refresh_from_db()
    authorisation_grant(
        staff_member=mover,
        service=services["passport"],
        valid_from=timezone.localdate() - dt.timedelta(days=30),
        basis="Paskursus på Frederiksberg",
        granted_by=manager.user,
    )
    ServiceOverrideFactory(
        municipality=municipality, service=services["passport"], guidance_note="Frederiksbergs note", fee_note="Gratis"
    )
    retention_set(municipality=municipality, kind=DataKind.AUDIT, days=200, changed_by=manager.user)
    audit_record(
        municipality=municipality,
        action=Action.READ,
        actor=mover.user,
        citizen=parse(B_CITIZEN),
        purpose="Borgeren står ved skranken",
        detail="Frederiksberg",
    )
    LogEntry.objects.create(
        user=manager.user,
        content_type=ContentType.objects.get_for_model(Site),
        object_id=str(main.pk),
        object_repr=main.name,
        action_flag=CHANGE,
        change_message="Frederiksberg",
    )
    return Side(municipality, manager, mover, librarian, counter, library_counter)


@pytest.fixture
def world(db) -> World:
    # Numbered factory names start from 0 in every world: "Bruger 1987" or "Skranke 1987", made late in a
    # long test run, would read as A's year on B's page.
    for made in (CounterFactory, ServiceFactory, SiteFactory, UserFactory, LifeEventFactory, LifeEventStepFactory):
        made.reset_sequence()
    services = _catalogue()
    with mock.patch("django.utils.timezone.now", return_value=A_TIME):
        a, mover = _build_roskilde(services, Marks())
    b = _build_frederiksberg(services, mover)
    root = Client()
    root.force_login(UserFactory(username="root", last_name="Rod", is_superuser=True, is_staff=True))
    built = World(a=a, b=b, root=root)
    for who, side, member in (("manager", b, b.manager), ("staff", b, b.staff), ("owner", a, a.manager)):
        name = f"{A_MARK}-900" if side is a else f"Frederiksberg {who}"
        _token, built.tokens[who] = api_token_create(
            name=name, municipality=side.municipality, scopes=list(Scope.values), staff_member=member
        )
    assert not cross_links(built), "the world must start with no B row pointing at A's rows"
    return built


# Snapshots of A's rows (and the shared rows), and B's rows that point at A's


def _state(obj) -> dict:
    state = {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields}
    for m2m in obj._meta.many_to_many:
        state[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
    return state


def snapshot(world: World) -> dict[str, dict]:
    rows = {}
    for label in MUNICIPAL_ROWS:
        rows[label] = {o.pk: _state(o) for o in world.rows(apps.get_model(label), world.a)}
    for label in SHARED_ROWS:
        rows[label] = {o.pk: _state(o) for o in apps.get_model(label)._base_manager.all()}
    return rows


def differences(before: dict, after: dict) -> list[str]:
    found = []
    for label, rows in before.items():
        now = after[label]
        found += [f"{label} #{pk} was deleted" for pk in rows.keys() - now.keys()]
        found += [f"{label} #{pk} was added: {now[pk]}" for pk in now.keys() - rows.keys()]
        for pk in rows.keys() & now.keys():
            changed = [name for name, value in rows[pk].items() if now[pk].get(name) != value]
            if changed:
                found.append(f"{label} #{pk} changed: {', '.join(changed)}")
    return found


def cross_links(world: World) -> list[str]:
    """B's rows whose foreign keys point at one of A's rows."""
    theirs = {
        label: set(world.rows(apps.get_model(label), world.a).values_list("pk", flat=True)) for label in MUNICIPAL_ROWS
    }
    found = []
    for label in MUNICIPAL_ROWS:
        for obj in world.rows(apps.get_model(label), world.b):
            for f in obj._meta.concrete_fields:
                target = f.related_model._meta.label_lower if f.is_relation else None
                if target in theirs and f.value_from_object(obj) in theirs[target]:
                    found.append(f"{label} #{obj.pk}.{f.name} -> {target} #{f.value_from_object(obj)}")
    return found


# Probes: the requests a page gets


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    data: dict | None = None
    refused: bool = False  # aimed at one of A's objects: must answer 302, 403 or 404
    check: Callable | None = None  # (response, client) -> list of problems
    headers: dict = field(default_factory=dict)
    json: bool = False  # the API: the data sent as a JSON body

    def __str__(self):
        data = f" {json.dumps(self.data, default=str)[:300]}" if self.data else ""
        return f"{self.method.upper()} {self.url}{data}"


@dataclass
class Probe:
    reads: list[Call] = field(default_factory=list)
    writes: list[Call] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _encode(data: dict, key: str, form_field, value) -> None:
    """Put `value` into `data` the way a browser sends the field."""
    widget = form_field.widget
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        for suffix, part in zip(widget.widgets_names, parts, strict=True):
            data[key + suffix] = _text(part)
    elif isinstance(form_field, forms.NullBooleanField):
        data[key] = {True: "true", False: "false"}.get(value, "unknown")
    elif isinstance(form_field, forms.BooleanField):
        data.pop(key, None)
        if value:
            data[key] = "on"
    elif isinstance(value, list | tuple):
        data[key] = [_text(v) for v in value]
    else:
        data[key] = _text(value)


def form_of(response) -> tuple[dict, dict]:
    """The data an admin page's form and inlines would post unchanged, and the form field behind each key."""
    context = response.context
    forms_ = [context["adminform"].form] if "adminform" in context else []
    for inline in context.get("inline_admin_formsets", []):
        forms_ += [inline.formset.management_form, *inline.formset.forms]
    return forms_data(forms_)


def forms_data(forms_) -> tuple[dict, dict]:
    data, fields = {}, {}
    for form in forms_:
        for name, form_field in form.fields.items():
            key = form.add_prefix(name)
            fields[key] = form_field
            _encode(data, key, form_field, form[name].value())
    return data, fields


def hostile(data: dict, fields: dict) -> dict:
    """Every free text replaced and every checkbox flipped."""
    data = dict(data)
    for key, form_field in fields.items():
        if form_field.disabled or isinstance(form_field.widget, forms.HiddenInput | forms.PasswordInput):
            continue
        if isinstance(form_field, forms.ChoiceField):
            continue
        if isinstance(form_field, forms.NullBooleanField):
            data[key] = "false" if data.get(key) == "true" else "true"
        elif isinstance(form_field, forms.BooleanField):
            _encode(data, key, form_field, key not in data)
        elif isinstance(form_field, forms.EmailField):
            data[key] = f"hijack{next(_hijack)}@example.invalid"
        elif type(form_field) is forms.CharField and (form_field.max_length or 100) >= 10:
            data[key] = f"hijack-{next(_hijack)}"
    return data


def rewired(world: World, data: dict, fields: dict) -> list[dict]:
    """One variant of `data` per relation field, pointed at one of A's rows."""
    variants = []
    for key, form_field in fields.items():
        if not isinstance(form_field, forms.ModelChoiceField):
            continue
        model = form_field.queryset.model
        if model._meta.label_lower not in MUNICIPAL_ROWS:
            continue
        theirs = world.rows(model, world.a).first()
        if theirs is None:
            continue
        variant = dict(data)
        multiple = isinstance(form_field, forms.ModelMultipleChoiceField)
        variant[key] = [*data.get(key, []), str(theirs.pk)] if multiple else str(theirs.pk)
        variants.append(variant)
    return variants


def add_data(world: World, url: str, template) -> dict:
    """The add form filled from `template` (one of A's rows), free text replaced."""
    response = world.root.get(url)
    if response.status_code != 200:
        return {}
    data, fields = form_of(response)
    if template is not None:
        for key, form_field in fields.items():
            try:
                model_field = template._meta.get_field(key)
            except FieldDoesNotExist:
                continue
            value = getattr(template, model_field.name)
            if model_field.many_to_many:
                value = list(value.all())
            _encode(data, key, form_field, form_field.prepare_value(value))
    return hostile(data, fields)


def admin_probe(world: World, model_admin, view: str) -> Probe:
    model = model_admin.model
    meta = model._meta
    municipal = meta.label_lower in MUNICIPAL_ROWS
    theirs = list(world.rows(model, world.a)) if municipal else list(model._base_manager.order_by("pk"))
    ours = list(world.rows(model, world.b)) if municipal else []
    name = f"admin:{meta.app_label}_{meta.model_name}"
    probe = Probe()
    if view == "changelist":
        url = reverse(f"{name}_changelist")
        page = world.root.get(url)
        changelist = page.context["cl"]
        queries = {"", *(c["query_string"] for spec in changelist.filter_specs for c in spec.choices(changelist))}
        if model_admin.search_fields:
            queries.add(f"?q={A_MARK}")
        # Django allows a filter on any local field, listed in list_filter or not.
        hop = MUNICIPAL_ROWS.get(meta.label_lower, "").split("__")[0]
        if hop and theirs and meta.get_field(hop).concrete:
            queries.add(f"?{hop}={getattr(theirs[0], meta.get_field(hop).attname)}")
        if changelist.date_hierarchy:
            years = model._base_manager.dates(changelist.date_hierarchy, "year")
            queries |= {f"?{changelist.date_hierarchy}__year={day.year}" for day in years}
        probe.reads = [Call("get", url + query) for query in sorted(queries)]
        # An action need not be offered to be posted: delete_selected is tried everywhere.
        action_form = page.context.get("action_form")
        offered = action_form.fields["action"].choices if action_form else []
        actions = {"delete_selected", *(action for action, _label in offered)}
        ids = [str(o.pk) for o in theirs]
        probe.writes = [
            Call("post", url, {"action": action, "_selected_action": ids, "index": "0", "post": "yes"})
            for action in sorted(actions - {""})
        ]
        if changelist.formset is not None:  # list_editable
            formset = changelist.formset
            data = hostile(*forms_data([formset.management_form, *formset.forms]))
            probe.writes.append(Call("post", url, {**data, "_save": "1"}))
    elif view == "add":
        url = reverse(f"{name}_add")
        probe.reads = [Call("get", url)]
        probe.writes = [Call("post", url, add_data(world, url, theirs[0] if theirs else None))]
    else:

        def url_of(obj):
            if view == "redirect":
                return f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/"
            return reverse(f"{name}_{view}", args=[obj.pk])

        refused = municipal and view != "redirect"
        probe.reads = [Call("get", url_of(o), refused=refused) for o in theirs] + [Call("get", url_of(o)) for o in ours]
        if view == "change":
            for obj in theirs:
                page = world.root.get(url_of(obj))
                probe.writes.append(Call("post", url_of(obj), hostile(*form_of(page)), refused=refused))
            for obj in ours:
                page = world.root.get(url_of(obj))
                probe.writes += [Call("post", url_of(obj), data) for data in rewired(world, *form_of(page))]
        elif view == "delete":
            probe.writes = [Call("post", url_of(o), {"post": "yes"}, refused=refused) for o in theirs]
    return probe


def _no_rows(response, client) -> list[str]:
    entries = response.context["entries"] if response.context and "entries" in response.context else []
    return [f"the search found {len(entries)} of A's entries"] if entries else []


def _no_accesses(response, client) -> list[str]:
    report = response.context["report"] if response.context and "report" in response.context else None
    return [f"the report lists {len(report.accesses)} of A's uses"] if report and report.accesses else []


def _probe_audit_log(world: World) -> Probe:
    url = reverse("web:audit_log")
    search = {"cpr": A_CITIZEN, "purpose": "Isolationstest", "actor": "", "action": "", "date_from": "", "date_to": ""}
    actors = [user.pk for user in world.rows(apps.get_model("auth.user"), world.a)]
    return Probe(
        reads=[
            Call("get", url),
            *(Call("get", f"{url}?actor={pk}") for pk in actors),
            Call("post", url, search, check=_no_rows),
            Call("post", url, {**search, "date_from": "1987-01-01", "date_to": "1987-12-31"}, check=_no_rows),
        ]
    )


def _probe_access_report(world: World) -> Probe:
    url = reverse("web:access_report")
    return Probe(
        reads=[Call("get", url), Call("post", url, {"cpr": A_CITIZEN, "purpose": "Isolationstest"}, check=_no_accesses)]
    )


def _probe_choose_counter(world: World) -> Probe:
    url = reverse("web:choose_counter")
    theirs = {c.pk for c in world.rows(Counter, world.a)}

    def stands_at_home(response, client) -> list[str]:
        counter = client.get(reverse("web:home")).context["current_counter"]
        return [f"the staff member now stands at A's counter {counter}"] if counter and counter.pk in theirs else []

    return Probe(
        reads=[Call("get", url)],
        writes=[Call("post", url, {"counter": str(pk)}, check=stands_at_home) for pk in sorted(theirs)],
    )


def _probe_autocomplete(world: World) -> Probe:
    """Every foreign key and many-to-many field of every model, searched through its target's admin.

    Django only asks that the target's admin has search_fields, not that the field is in autocomplete_fields.
    """
    url = reverse("admin:autocomplete")
    calls = []
    for model in apps.get_models():
        for relation in model._meta.get_fields():
            forward = relation.is_relation and not relation.auto_created
            target = getattr(relation.remote_field, "model", None) if forward else None
            model_admin = admin.site._registry.get(target)
            if model_admin is None or not model_admin.search_fields:
                continue
            theirs = (
                {str(pk) for pk in world.rows(target, world.a).values_list("pk", flat=True)}
                if target._meta.label_lower in MUNICIPAL_ROWS
                else set()
            )

            def none_of_theirs(response, client, theirs=theirs) -> list[str]:
                if response.status_code != 200:
                    return []
                ids = {row["id"] for row in response.json()["results"]}
                return [f"A's rows {sorted(ids & theirs)} offered"] if ids & theirs else []

            query = f"app_label={model._meta.app_label}&model_name={model._meta.model_name}&field_name={relation.name}"
            calls += [Call("get", f"{url}?{query}&term={term}", check=none_of_theirs) for term in ("", A_MARK)]
    return Probe(reads=calls)


def _probe_view_on_site(world: World) -> Probe:
    calls = []
    for label in MUNICIPAL_ROWS:
        model = apps.get_model(label)
        content_type = ContentType.objects.get_for_model(model)
        for side, refused in ((world.a, True), (world.b, False)):
            for obj in world.rows(model, side)[:2]:
                calls.append(
                    Call("get", reverse("admin:view_on_site", args=[content_type.pk, obj.pk]), refused=refused)
                )
    return Probe(reads=calls)


def _probe_user_password(world: World) -> Probe:
    user_model = apps.get_model("auth.user")
    theirs, ours = world.rows(user_model, world.a), world.rows(user_model, world.b)

    def url_of(user):
        return reverse("admin:auth_user_password_change", args=[user.pk])

    password = {"password1": "Hijack-2026-pw!", "password2": "Hijack-2026-pw!", "usable_password": "true"}
    return Probe(
        reads=[Call("get", url_of(u), refused=True) for u in theirs] + [Call("get", url_of(u)) for u in ours],
        writes=[Call("post", url_of(u), password, refused=True) for u in theirs],
    )


def _theirs(world: World, model):
    return list(world.rows(model, world.a))


def _probe_counter_action(world: World) -> Probe:
    url = reverse("web:counter_action")
    passport = Service.objects.get(key="passport-application")
    calls = [Call("post", url, {"action": "call_next"})]
    for ticket in _theirs(world, Ticket):
        for action in ("recall", "start", "no_show", "add_service", "transfer"):
            data = {"action": action, "ticket": ticket.pk, "service": passport.key, "queue": ticket.queue_id}
            calls.append(Call("post", url, data))
    return Probe(reads=[Call("get", url)], writes=calls)


def _probe_counter_finish(world: World) -> Probe:
    url = reverse("web:counter_finish")
    passport = Service.objects.get(key="passport-application")
    return Probe(
        reads=[Call("get", url)],
        writes=[
            Call("post", url, {"ticket": t.pk, f"outcome_{passport.pk}": "RESOLVED"}) for t in _theirs(world, Ticket)
        ],
    )


def _b_site(world: World) -> Site:
    return world.rows(Site, world.b).first()


def _probe_kiosk_ticket(world: World) -> Probe:
    url = reverse("web:kiosk_ticket", args=[_b_site(world).pk])
    ours = world.rows(Ticket, world.b).first()
    return Probe(
        reads=[Call("get", f"{url}?t={ours.token}")]
        + [Call("get", f"{url}?t={t.token}", refused=True) for t in _theirs(world, Ticket)]
    )


# Booking: A's sites, appointments and waitlist entries, and links aimed at them by someone without A's links.


def _start() -> str:
    """A time as the times page writes it: a week ahead at 10.00, local time."""
    return dt.datetime.combine(timezone.localdate() + dt.timedelta(days=7), dt.time(10)).isoformat(timespec="minutes")


def _own_rows_only(world: World) -> Callable:
    """A staff booking page shows B's own site and none of A's appointments, whatever site was asked for."""
    sites = {site.pk for site in _theirs(world, Site)}

    def check(response, client) -> list[str]:
        context = response.context or {}
        site = context.get("site")
        problems = [f"the page is for A's site {site.pk}"] if site is not None and site.pk in sites else []
        theirs = [row for row in context.get("rows", []) if row.site_id in sites]
        return [*problems, f"the list shows {len(theirs)} of A's appointments"] if theirs else problems

    return check


def _tampered(genuine: str, ours: str) -> list[str]:
    """A's payload under B's signature, and A's link with its signature altered."""
    payload, signature = genuine.split(":", 1)[0], ours.split(":", 1)[1]
    return [f"{payload}:{signature}", genuine[:-1] + ("x" if genuine[-1] != "x" else "y")]


def _appointment_links(world: World) -> tuple[list[str], list[str]]:
    """B's own appointment links, and forged ones aimed at A's appointments (B's waitlist link among them)."""
    ours = [appointment_token(a) for a in world.rows(Appointment, world.b)]
    forged = [waitlist_token(e) for e in world.rows(WaitlistEntry, world.b)]
    for appointment in _theirs(world, Appointment):
        forged += _tampered(appointment_token(appointment), ours[0])
    return ours, forged


def _waitlist_links(world: World) -> tuple[list[str], list[str]]:
    ours = [waitlist_token(e) for e in world.rows(WaitlistEntry, world.b)]
    forged = [appointment_token(a) for a in world.rows(Appointment, world.b)]
    for entry in _theirs(world, WaitlistEntry):
        forged += _tampered(waitlist_token(entry), ours[0])
    return ours, forged


def _tablet_links(world: World) -> tuple[list[str], list[str]]:
    """B's counters' tablet addresses, and forged ones for A's counters (B's appointment link among them)."""
    ours = [tablet_token(c) for c in world.rows(Counter, world.b)]
    forged = [appointment_token(a) for a in world.rows(Appointment, world.b)]
    for counter in _theirs(world, Counter):
        forged += _tampered(tablet_token(counter), ours[0])
    return ours, forged


def _probe_tablet_answer(world: World) -> Probe:
    """Answers posted for A's contacts, through B's tablets and forged ones."""
    ours, forged = _tablet_links(world)
    answers = [{"contact": c.pk, "face": "1", "comment": "hijack"} for c in _theirs(world, Contact)]

    def url(token):
        return reverse("web:satisfaction_tablet_answer", args=[token])

    return Probe(
        reads=[Call("get", url(t)) for t in ours],
        writes=[Call("post", url(t), answer, refused=True) for t in forged for answer in answers]
        + [Call("post", url(t), answer) for t in ours for answer in answers],
    )


def _link_page(name: str, *, get: bool = True, post: dict | None = None, links=_appointment_links):
    """A page reached by a signed link: B's own links, and forged links to A's rows, which must be refused."""

    def probe(world: World) -> Probe:
        ours, forged = links(world)
        urls = [(reverse(name, args=[t]), True) for t in forged] + [(reverse(name, args=[t]), False) for t in ours]
        reads = [Call("get", url, refused=refused and get) for url, refused in urls]
        writes = [Call("post", url, post, refused=refused) for url, refused in urls] if post is not None else []
        return Probe(reads=reads, writes=writes)

    return probe


def _probe_booking_times(world: World) -> Probe:
    url = f"{reverse('web:booking_times', args=[world.b.municipality.code])}?ydelse=passport-application"
    ours, forged = _appointment_links(world)
    return Probe(
        reads=[Call("get", url)]
        + [Call("get", f"{url}&sted={site.pk}") for site in _theirs(world, Site)]
        + [Call("get", f"{url}&flyt={token}", refused=True) for token in forged]
        + [Call("get", f"{url}&flyt={token}") for token in ours]
    )


def _details_urls(world: World, name: str, **kwargs) -> list[str]:
    """The details page for each of A's sites, and for B's own."""
    sites = [*_theirs(world, Site), _b_site(world)]
    base = reverse(name, **kwargs)
    return [f"{base}?ydelse=passport-application&sted={site.pk}&start={_start()}" for site in sites]


def _probe_booking_details(world: World) -> Probe:
    urls = _details_urls(world, "web:booking_details", args=[world.b.municipality.code])
    citizen = {"name": "Hijack Borger", "email": "hijack@example.invalid", "phone": "", "step": "confirm"}
    return Probe(
        reads=[Call("get", url) for url in urls] + [Call("post", url, {**citizen, "step": ""}) for url in urls],
        writes=[Call("post", url, citizen) for url in urls],
    )


def _probe_booking_move(world: World) -> Probe:
    ours, forged = _appointment_links(world)
    places = [f"?sted={site.pk}&start={_start()}" for site in [*_theirs(world, Site), _b_site(world)]]
    urls = [(reverse("web:booking_move", args=[t]) + place, True) for t in forged for place in places[-1:]]
    urls += [(reverse("web:booking_move", args=[t]) + place, False) for t in ours for place in places]
    return Probe(
        reads=[Call("get", url, refused=refused) for url, refused in urls],
        writes=[Call("post", url, refused=refused) for url, refused in urls],
    )


def _probe_kiosk_check_in(world: World) -> Probe:
    site = _b_site(world)
    url = reverse("web:kiosk_check_in", args=[site.pk])
    ticket_page = reverse("web:kiosk_ticket", args=[site.pk])

    def no_ticket(response, client) -> list[str]:
        path = response.request["PATH_INFO"] if response.request else ""
        return ["B's kiosk gave a ticket for A's booking code"] if path == ticket_page else []

    theirs = [a.code for a in _theirs(world, Appointment)]
    codes = theirs + [f"https://skranke.example/tid/{code.lower()}/" for code in theirs]
    return Probe(
        reads=[Call("get", url)],
        writes=[Call("post", url, {"code": code}, refused=True, check=no_ticket) for code in codes]
        + [Call("post", url, {"code": a.code}) for a in world.rows(Appointment, world.b)],
    )


def _probe_appointments(world: World) -> Probe:
    url, own = reverse("web:appointments"), _own_rows_only(world)
    days = sorted({timezone.localdate(a.starts_at) for a in _theirs(world, Appointment)})
    asked = [f"?sted={site.pk}&dag={day.isoformat()}" for site in _theirs(world, Site) for day in days]
    return Probe(
        reads=[Call("get", url, check=own)]
        + [Call("get", f"{url}?dag={day.isoformat()}", check=own) for day in days]
        + [Call("get", url + query, check=own) for query in asked]
    )


def _probe_appointment_action(world: World) -> Probe:
    url = reverse("web:appointment_action")
    calls = []
    for appointment in _theirs(world, Appointment):
        where = {"sted": appointment.site_id, "dag": timezone.localdate(appointment.starts_at).isoformat()}
        calls += [
            Call("post", url, {"appointment": appointment.pk, "action": action, **where})
            for action in ("no_show", "cancel")
        ]
    return Probe(reads=[Call("get", url)], writes=calls)


def _probe_staff_booking_times(world: World) -> Probe:
    url, own = reverse("web:staff_booking_times"), _own_rows_only(world)
    chosen = f"{url}?ydelse=passport-application"
    return Probe(
        reads=[Call("get", url, check=own), Call("get", chosen, check=own)]
        + [Call("get", f"{chosen}&sted={site.pk}", check=own) for site in _theirs(world, Site)]
    )


def _probe_staff_booking_details(world: World) -> Probe:
    urls, own = _details_urls(world, "web:staff_booking_details"), _own_rows_only(world)
    citizen = {"name": "Hijack Borger", "email": "", "phone": "12345678", "channel": "PHONE", "step": "confirm"}
    return Probe(
        reads=[Call("get", url, check=own) for url in urls]
        + [Call("post", url, {**citizen, "step": ""}, check=own) for url in urls],
        writes=[Call("post", url, citizen) for url in urls],
    )


def _probe_insights(world: World) -> Probe:
    """The key figures of A's year 1987, for each of A's sites and none: B has no contact then, so all zero."""
    url, own = reverse("web:insights"), _own_rows_only(world)

    def none_of_theirs(response, client) -> list[str]:
        problems = own(response, client)
        whole = (response.context or {}).get("whole")
        return (
            [*problems, f"the figures count {whole.contacts} of A's contacts"] if whole and whole.contacts else problems
        )

    year = "fra=1987-01-01&til=1987-12-31"
    return Probe(
        reads=[Call("get", url, check=own), Call("get", f"{url}?{year}", check=none_of_theirs)]
        + [Call("get", f"{url}?{year}&sted={site.pk}", check=none_of_theirs) for site in _theirs(world, Site)]
    )


def _probe_insights_quality(world: World) -> Probe:
    """The comparison of A's year 1987, for each of A's sites and none: nothing of A's is counted."""
    url, own = reverse("web:insights_quality"), _own_rows_only(world)

    def none_of_theirs(response, client) -> list[str]:
        problems = own(response, client)
        services = (response.context or {}).get("services") or []
        counted = sum(s.library_lines + s.citizen_service_lines for s in services[:1])
        return [*problems, f"the comparison counts {counted} of A's lines"] if counted else problems

    year = "fra=1987-01-01&til=1987-12-31"
    return Probe(
        reads=[Call("get", url, check=own), Call("get", f"{url}?{year}", check=none_of_theirs)]
        + [Call("get", f"{url}?{year}&sted={site.pk}", check=none_of_theirs) for site in _theirs(world, Site)]
    )


def _probe_insights_staffing(world: World) -> Probe:
    """A's sites and A's year, every weekday: the plan falls back to B's own site and counts none of A's tickets."""
    url, own = reverse("web:insights_staffing"), _own_rows_only(world)

    def b_site_only(response, client) -> list[str]:
        problems = own(response, client)
        site = (response.context or {}).get("site")
        theirs = {s.pk for s in _theirs(world, Site)}
        return (
            [*problems, f"the plan is for A's site {site.pk}"] if site is not None and site.pk in theirs else problems
        )

    year = "fra=1987-01-01&til=1987-12-31"
    return Probe(
        reads=[Call("get", url, check=own)]
        + [
            Call("get", f"{url}?{year}&sted={site.pk}&ugedag={day}", check=b_site_only)
            for site in _theirs(world, Site)
            for day in range(7)
        ]
    )


def _probe_insights_export(world: World) -> Probe:
    """Every table as CSV (text the markers can be found in) and XLSX, for A's year, for each of A's sites and none."""
    year = "fra=1987-01-01&til=1987-12-31"
    sites = ["", *(f"&sted={site.pk}" for site in _theirs(world, Site))]
    return Probe(
        reads=[
            Call("get", f"{reverse('web:insights_export', args=[name, fmt])}?{year}{site}")
            for name in EXPORT_TABLES
            for fmt in ("csv", "xlsx")
            for site in sites
        ]
    )


# The API: B's tokens (see World.client) against A's codes, sites, tickets, bookings, counters and citizens.


def _api(method: str, url: str, data: dict | None = None, **kwargs) -> Call:
    return Call(method, f"/api/v1/{url}", data, json=True, **kwargs)


def _codes(world: World) -> list[tuple[int, bool]]:
    """(municipality code, refused): B's own, and A's, which B's token must not find."""
    return [(world.b.municipality.code, False), (world.a.municipality.code, True)]


def _per_code(path: str, method: str = "get", data: dict | None = None) -> Callable[[World], list[Call]]:
    def calls(world: World) -> list[Call]:
        return [_api(method, f"municipalities/{code}/{path}", data, refused=refused) for code, refused in _codes(world)]

    return calls


def _per_site(path: str, method: str = "get", data: dict | None = None) -> Callable[[World], list[Call]]:
    def calls(world: World) -> list[Call]:
        theirs = [_api(method, f"sites/{site.pk}/{path}", data, refused=True) for site in _theirs(world, Site)]
        return [*theirs, _api(method, f"sites/{_b_site(world).pk}/{path}", data)]

    return calls


def _reads(calls) -> Callable[[World], Probe]:
    return lambda world: Probe(reads=calls(world))


def _probe_api_triage(world: World) -> Probe:
    calls = _per_code("triage/", "post", {"text": f"pas {A_MARK}"})(world)
    calls += [
        _api("post", f"municipalities/{world.b.municipality.code}/triage/", {"text": "pas", "site": site.pk})
        for site in _theirs(world, Site)
    ]
    return Probe(reads=calls)


def _probe_api_ticket_issue(world: World) -> Probe:
    return Probe(
        reads=[_api("get", f"sites/{_b_site(world).pk}/tickets/")],
        writes=_per_site("tickets/", "post", {"services": ["passport-application"]})(world),
    )


def _ticket_tokens(world: World) -> list[tuple[str, bool]]:
    return [(t.token, True) for t in _theirs(world, Ticket)] + [(t.token, False) for t in world.rows(Ticket, world.b)]


def _probe_api_ticket(world: World) -> Probe:
    return Probe(reads=[_api("get", f"tickets/{token}/", refused=refused) for token, refused in _ticket_tokens(world)])


def _probe_api_ticket_cancel(world: World) -> Probe:
    calls = [_api("post", f"tickets/{token}/cancel/", refused=refused) for token, refused in _ticket_tokens(world)]
    return Probe(reads=[_api("get", f"tickets/{token}/cancel/") for token, _ in _ticket_tokens(world)], writes=calls)


def _probe_api_slots(world: World) -> Probe:
    query = "slots/?service=passport-application"
    calls = _per_code(query)(world)
    code = world.b.municipality.code
    calls += [_api("get", f"municipalities/{code}/{query}&site={site.pk}") for site in _theirs(world, Site)]
    return Probe(reads=calls)


def _probe_api_appointment_book(world: World) -> Probe:
    start = timezone.make_aware(dt.datetime.fromisoformat(_start())).isoformat()
    citizen = {
        "services": ["passport-application"],
        "start": start,
        "name": "Hijack",
        "email": "hijack@example.invalid",
    }
    writes = [
        _api("post", f"municipalities/{code}/appointments/", {**citizen, "site": site.pk}, refused=refused)
        for code, refused in _codes(world)
        for site in [*_theirs(world, Site), _b_site(world)]
    ]
    # Staff booking at A's site, as B's staff member.
    writes += [
        _api(
            "post",
            f"municipalities/{world.b.municipality.code}/appointments/",
            {**citizen, "site": site.pk, "channel": "COUNTER"},
        )
        for site in _theirs(world, Site)
    ]
    return Probe(reads=[_api("get", f"municipalities/{world.b.municipality.code}/appointments/")], writes=writes)


def _booking_tokens(world: World) -> list[tuple[str, bool]]:
    """B's own links; forged ones aimed at A's appointments; and A's genuine links, which B's token must not find."""
    ours, forged = _appointment_links(world)
    genuine = [appointment_token(a) for a in _theirs(world, Appointment)]
    return [(t, True) for t in forged + genuine] + [(t, False) for t in ours]


def _probe_api_appointment(world: World) -> Probe:
    return Probe(
        reads=[_api("get", f"appointments/{token}/", refused=refused) for token, refused in _booking_tokens(world)]
    )


def _probe_api_appointment_cancel(world: World) -> Probe:
    tokens = _booking_tokens(world)
    return Probe(
        reads=[_api("get", f"appointments/{token}/cancel/") for token, _ in tokens[:2]],
        writes=[_api("post", f"appointments/{token}/cancel/", refused=refused) for token, refused in tokens],
    )


def _probe_api_appointment_move(world: World) -> Probe:
    start = timezone.make_aware(dt.datetime.fromisoformat(_start())).isoformat()
    writes = []
    for token, refused in _booking_tokens(world):
        for site in [*_theirs(world, Site), _b_site(world)]:
            writes.append(
                _api("post", f"appointments/{token}/move/", {"start": start, "site": site.pk}, refused=refused)
            )
    return Probe(
        reads=[_api("get", f"appointments/{token}/move/") for token, _ in _booking_tokens(world)[:2]], writes=writes
    )


def _probe_api_call_next(world: World) -> Probe:
    counters = [(c, True) for c in _theirs(world, Counter)] + [(c, False) for c in world.rows(Counter, world.b)]
    return Probe(
        reads=[_api("get", f"staff/counters/{world.b.counter.pk}/call-next/")],
        writes=[_api("post", f"staff/counters/{c.pk}/call-next/", refused=refused) for c, refused in counters],
    )


def _probe_api_ticket_action(action: str, data: dict | None = None) -> Callable[[World], Probe]:
    def probe(world: World) -> Probe:
        theirs = _theirs(world, Ticket)
        return Probe(
            reads=[_api("get", f"staff/tickets/{theirs[0].pk}/{action}/")],
            writes=[_api("post", f"staff/tickets/{t.pk}/{action}/", data, refused=True) for t in theirs],
        )

    return probe


def _probe_api_contact_record(world: World) -> Probe:
    lines = [{"service": "passport-application", "outcome": "RESOLVED"}]
    return Probe(
        reads=[_api("get", "staff/contacts/")],
        writes=[
            _api("post", "staff/contacts/", {"counter": c.pk, "lines": lines, "cpr": A_CITIZEN}, refused=True)
            for c in _theirs(world, Counter)
        ],
    )


def _no_contacts(response, client) -> list[str]:
    found = response.json() if response.status_code == 200 else []
    return [f"the search found {len(found)} of A's contacts"] if found else []


def _probe_api_contact_search(world: World) -> Probe:
    search = {"cpr": A_CITIZEN, "purpose": "Isolationstest"}
    return Probe(reads=[_api("post", "staff/contacts/search/", search, check=_no_contacts)])


def _probe_api_kpis(world: World) -> Probe:
    """A's year 1987, by site and for each of A's sites: B has no contact then, so nothing of A's is counted."""

    def nothing_counted(response, client) -> list[str]:
        rows = response.json().get("rows", []) if response.status_code == 200 else []
        counted = sum(row["contacts"] for row in rows)
        return [f"the figures count {counted} of A's contacts"] if counted else []

    year = "start=1987-01-01&end=1987-12-31"
    return Probe(
        reads=[
            _api("get", "insights/kpis/"),
            _api("get", f"insights/kpis/?{year}&by=site", check=nothing_counted),
            _api("get", f"insights/kpis/?{year}&by=service", check=nothing_counted),
        ]
        + [_api("get", f"insights/kpis/?{year}&site={site.pk}", check=nothing_counted) for site in _theirs(world, Site)]
    )


API_PROBES: dict[str, Callable[[World], Probe]] = {
    "api:services": _reads(_per_code("services/")),
    "api:service": _reads(_per_code("services/passport-application/")),
    "api:life_events": _reads(_per_code("life-events/")),
    "api:triage": _probe_api_triage,
    "api:sites": _reads(_per_code("sites/")),
    "api:site": _reads(_per_site("")),
    "api:queues": _reads(_per_site("queues/")),
    "api:display": _reads(_per_site("display/")),
    "api:ticket_issue": _probe_api_ticket_issue,
    "api:ticket": _probe_api_ticket,
    "api:ticket_cancel": _probe_api_ticket_cancel,
    "api:bookable_services": _reads(_per_code("bookable-services/")),
    "api:slots": _probe_api_slots,
    "api:appointment_book": _probe_api_appointment_book,
    "api:appointment": _probe_api_appointment,
    "api:appointment_cancel": _probe_api_appointment_cancel,
    "api:appointment_move": _probe_api_appointment_move,
    "api:counters": lambda world: Probe(reads=[_api("get", "staff/counters/")]),
    "api:call_next": _probe_api_call_next,
    "api:recall": _probe_api_ticket_action("recall"),
    "api:start": _probe_api_ticket_action("start"),
    "api:no_show": _probe_api_ticket_action("no-show"),
    "api:finish": _probe_api_ticket_action(
        "finish", {"lines": [{"service": "passport-application", "outcome": "RESOLVED"}]}
    ),
    "api:contact_record": _probe_api_contact_record,
    "api:contact_search": _probe_api_contact_search,
    "api:kpis": _probe_api_kpis,
}


def _get(name: str) -> Callable[[World], Probe]:
    return lambda world: Probe(reads=[Call("get", reverse(name))])


PROBES: dict[str, Callable[[World], Probe]] = {
    "admin:index": _get("admin:index"),
    "admin:app_list": lambda world: Probe(
        reads=[
            Call("get", reverse("admin:app_list", args=[label]))
            for label in sorted({m._meta.app_label for m in admin.site._registry})
        ]
    ),
    "admin/(?P<url>.*)$": lambda world: Probe(reads=[Call("get", "/admin/findes-ikke/")]),
    "admin:autocomplete": _probe_autocomplete,
    "admin:view_on_site": _probe_view_on_site,
    "admin:auth_user_password_change": _probe_user_password,
    "web:home": _get("web:home"),
    "web:choose_counter": _probe_choose_counter,
    "web:services": lambda world: Probe(
        reads=[
            Call("get", reverse("web:services")),
            Call("get", f"{reverse('web:services')}?q={A_MARK}&kind={Kind.AUTHORITY}"),
            Call("get", reverse("web:services"), headers={"HX-Request": "true"}),
        ]
    ),
    "web:service": lambda world: Probe(
        reads=[Call("get", reverse("web:service", args=[s.key])) for s in Service.objects.order_by("key")]
    ),
    "web:life_event": lambda world: Probe(
        reads=[Call("get", reverse("web:life_event", args=[e.key])) for e in LifeEvent.objects.order_by("key")]
    ),
    "web:audit_log": _probe_audit_log,
    "web:access_report": _probe_access_report,
    "web:counter": lambda world: Probe(
        reads=[
            Call("get", reverse("web:counter")),
            Call("get", reverse("web:counter"), headers={"X-Skranke-Poll": "1", "HX-Request": "true"}),
        ]
    ),
    "web:counter_action": _probe_counter_action,
    "web:counter_finish": _probe_counter_finish,
    "web:counter_contact": lambda world: Probe(
        reads=[Call("get", reverse("web:counter_contact"))],
        writes=[
            Call(
                "post",
                reverse("web:counter_contact"),
                {"service": s.key, f"outcome_{s.pk}": "RESOLVED"},
            )
            for s in Service.objects.order_by("key")
        ],
    ),
    "web:queue_overview": lambda world: Probe(
        reads=[
            Call("get", reverse("web:queue_overview")),
            Call("get", reverse("web:queue_overview"), headers={"X-Skranke-Poll": "1", "HX-Request": "true"}),
        ]
    ),
    "web:kiosk": lambda world: Probe(reads=[Call("get", reverse("web:kiosk", args=[_b_site(world).pk]))]),
    "web:kiosk_suggest": lambda world: Probe(
        reads=[Call("post", reverse("web:kiosk_suggest", args=[_b_site(world).pk]), {"text": f"pas {A_MARK}"})]
    ),
    "web:kiosk_take": lambda world: Probe(
        reads=[Call("get", reverse("web:kiosk_take", args=[_b_site(world).pk]))],
        writes=[Call("post", reverse("web:kiosk_take", args=[_b_site(world).pk]), {"service": "passport-application"})],
    ),
    "web:kiosk_ticket": _probe_kiosk_ticket,
    "web:board": lambda world: Probe(reads=[Call("get", reverse("web:board", args=[_b_site(world).pk]))]),
    "web:phone": lambda world: Probe(
        reads=[Call("get", reverse("web:phone", args=[t.token])) for t in world.rows(Ticket, world.b)]
    ),
    "web:phone_cancel": lambda world: Probe(
        reads=[Call("get", reverse("web:phone_cancel", args=[t.token])) for t in world.rows(Ticket, world.b)],
        writes=[Call("post", reverse("web:phone_cancel", args=[t.token])) for t in world.rows(Ticket, world.b)],
    ),
    "web:kiosk_check_in": _probe_kiosk_check_in,
    "web:phone_answer": lambda world: Probe(
        reads=[Call("get", reverse("web:phone_answer", args=[t.token])) for t in world.rows(Ticket, world.b)],
        writes=[
            Call("post", reverse("web:phone_answer", args=[t.token]), {"face": "1", "comment": "hijack"})
            for t in world.rows(Ticket, world.b)
        ],
    ),
    "web:satisfaction_tablet": _link_page("web:satisfaction_tablet", links=_tablet_links),
    "web:satisfaction_tablet_answer": _probe_tablet_answer,
    "web:booking_start": lambda world: Probe(
        reads=[
            Call("get", reverse("web:booking_start", args=[world.b.municipality.code])),
            Call(
                "get", f"{reverse('web:booking_start', args=[world.b.municipality.code])}?ydelse=passport-application"
            ),
        ]
    ),
    "web:booking_times": _probe_booking_times,
    "web:booking_details": _probe_booking_details,
    "web:booking_confirmed": _link_page("web:booking_confirmed"),
    "web:booking_ics": _link_page("web:booking_ics"),
    "web:booking_manage": _link_page("web:booking_manage", post={}),
    "web:booking_move": _probe_booking_move,
    "web:booking_waitlist": _link_page("web:booking_waitlist", get=False, post={"email": "hijack@example.invalid"}),
    "web:waitlist_offer": _link_page("web:waitlist_offer", post={}, links=_waitlist_links),
    "web:appointments": _probe_appointments,
    "web:appointment_action": _probe_appointment_action,
    "web:staff_booking_times": _probe_staff_booking_times,
    "web:staff_booking_details": _probe_staff_booking_details,
    "web:insights": _probe_insights,
    "web:insights_quality": _probe_insights_quality,
    "web:insights_staffing": _probe_insights_staffing,
    "web:insights_export": _probe_insights_export,
    "web:insights_national": lambda world: Probe(
        reads=[
            Call("get", reverse("web:insights_national")),
            Call("get", f"{reverse('web:insights_national')}?fra=1987-01-01"),
        ]
    ),
    **API_PROBES,
}


def probe_for(world: World, view: str) -> Probe:
    if view not in ISOLATION_MATRIX:
        pytest.fail(f"{view} is not in the isolation matrix: {ADD_IT}", pytrace=False)
    if view in PROBES:
        return PROBES[view](world)
    if view in ADMIN_MODEL_VIEWS:
        return admin_probe(world, *ADMIN_MODEL_VIEWS[view])
    if ISOLATION_MATRIX[view] == MUNICIPAL:
        pytest.fail(f"{view} is MUNICIPAL but has no probe: add one to PROBES in {__name__}", pytrace=False)
    try:
        return Probe(reads=[Call("get", reverse(view))])
    except NoReverseMatch:
        pytest.fail(f"{view} takes arguments: add a probe to PROBES in {__name__} that fills them", pytrace=False)


ADD_IT = (
    f"add it to ISOLATION_MATRIX in {__name__.replace('.', '/')}.py as PUBLIC, SHARED or MUNICIPAL; "
    "a MUNICIPAL page that is not a standard admin view also needs a probe in PROBES"
)

# Running the probes


def leaks(text: str, sent: str) -> list[str]:
    """A's markers in `text`, except what the request itself sent (a search term echoed back is no leak)."""
    echoed = {m.group(0).casefold() for m in MARKER.finditer(sent)}
    found = [m.group(0) for m in MARKER.finditer(text) if m.group(0).casefold() not in echoed]
    # As a token of its own: "1987" inside a hex hash is chance, not a date of A's; so is an attribute
    # that is the number alone (value="1987": a row's id, e.g. a national catalogue service's).
    year = next(
        (
            m
            for m in A_YEAR_TOKEN.finditer(text)
            if text[m.start() - 1 : m.start()] + text[m.end() : m.end() + 1] != '""'
        ),
        None,
    )
    if year and A_YEAR not in sent:
        at = year.start()
        found.append(f"{A_YEAR} in …{text[max(at - 60, 0) : at + 20]}…")
    return sorted(set(found))


def run(client: Client, call: Call, *, expectations: bool = True, known: str = "") -> list[str]:
    """The problems one request shows, following local redirects; `known` is text the user may see anyway."""
    send = getattr(client, call.method)
    if call.json:
        body = json.dumps(call.data) if call.data is not None else None
        response = send(call.url, body, content_type="application/json", headers=call.headers)
    else:
        response = send(call.url, call.data, headers=call.headers)
    sent = f"{call} {known}"
    problems = []
    if expectations and call.refused and response.status_code not in (302, 403, 404):
        problems.append(f"{call}: answered {response.status_code}, not a refusal (302, 403 or 404)")
    hops = [response]
    while response.status_code in (301, 302, 303) and response["Location"].startswith("/") and len(hops) < 5:
        response = client.get(response["Location"])
        hops.append(response)
    for hop in hops:
        if hop.status_code >= 500:
            problems.append(f"{call}: {hop.status_code} {getattr(hop, 'exc_info', None) and hop.exc_info[1]!r}")
        found = leaks(hop.content.decode(errors="replace") + hop.get("Location", ""), sent)
        if found:
            problems.append(f"{call}: A's data on the page: {', '.join(found)}")
    if expectations and call.check is not None:
        problems += [f"{call}: {problem}" for problem in call.check(hops[-1], client)]
    return problems


def assert_isolated(world: World, user: str, calls: list[Call]) -> None:
    assert calls, "the probe made no request"
    before = snapshot(world)
    client = world.client(user)
    problems = [problem for call in calls for problem in run(client, call)]
    problems += [f"A's data changed: {change}" for change in differences(before, snapshot(world))]
    problems += [f"B's row now points at A's: {link}" for link in cross_links(world)]
    assert not problems, "\n".join(problems)


# The tests


def test_every_page_and_admin_view_is_in_the_isolation_matrix():
    missing = [view for view in VIEWS if view not in ISOLATION_MATRIX]
    assert not missing, f"Not in the isolation matrix: {', '.join(missing)}. For each, {ADD_IT}."


def test_the_isolation_matrix_names_only_pages_that_exist():
    gone = [view for view in ISOLATION_MATRIX if view not in VIEWS]
    assert not gone, f"In the isolation matrix but not a page any more: {', '.join(gone)}; remove them."


def test_every_municipal_page_has_a_probe():
    without = [
        view
        for view, cls in ISOLATION_MATRIX.items()
        if cls == MUNICIPAL and view not in PROBES and view not in ADMIN_MODEL_VIEWS
    ]
    assert not without, f"MUNICIPAL pages without a probe in PROBES: {', '.join(without)}"


def test_every_model_is_in_the_snapshot():
    labels = {model._meta.label_lower for model in apps.get_models()}
    unknown = labels - MUNICIPAL_ROWS.keys() - SHARED_ROWS - NOT_DATA
    assert not unknown, (
        f"Models the isolation snapshot does not know: {', '.join(sorted(unknown))}. Add each to MUNICIPAL_ROWS "
        "(with the lookup to its municipality), SHARED_ROWS or NOT_DATA."
    )


@pytest.mark.parametrize(("view", "user"), READ_CASES)
def test_other_municipality_sees_nothing(world, view, user):
    probe = probe_for(world, view)
    assert changes_data(view) or not probe.writes, f"{view} has posts to try: add it to changes_data()"
    assert_isolated(world, user, probe.reads)


@pytest.mark.parametrize(("view", "user"), WRITE_CASES)
def test_other_municipality_changes_nothing(world, view, user):
    assert_isolated(world, user, probe_for(world, view).writes)


# Controls: the same requests by A's own manager find A's markers, so the checks above can fail.

OWNER_SEES_NO_MARKER = {
    "web:choose_counter": "takes only a POST; its probe checks where the staff member stands afterwards",
    "web:counter_action": "takes only a POST; the snapshot shows A's tickets unchanged",
    "web:counter_finish": "takes only a POST; the snapshot shows A's tickets unchanged and no contact added",
    "web:counter_contact": "takes only a POST; the snapshot shows no contact added to A's",
    "web:appointment_action": "takes only a POST; the snapshot shows A's appointments unchanged",
    **dict.fromkeys(
        ["api:call_next", "api:recall", "api:start", "api:no_show", "api:finish", "api:contact_record"],
        "takes only a POST; the snapshot shows A's tickets and contacts unchanged",
    ),
    **dict.fromkeys(
        admin_views("api.apitoken", MUNICIPAL),
        "only administrators see API tokens: a manager gets 403 on their own municipality's too",
    ),
    "web:insights_national": "only administrators see it: a manager gets 403 in their own municipality too",
    "admin:organisation_site_add": "a manager's form lists no rows: the municipality is theirs, the inlines are empty",
    "admin:organisation_serviceoverride_add": "the form lists only the shared catalogue",
    "admin:privacy_retentionsetting_add": "the form has only a kind and a number of days",
    **dict.fromkeys(
        [*admin_views("auth.user", MUNICIPAL), "admin:auth_user_password_change"],
        "only administrators use the user admin: a manager gets 403 on their own municipality's users too",
    ),
}


@pytest.mark.parametrize(
    "view",
    [v for v in VIEWS if ISOLATION_MATRIX.get(v) == MUNICIPAL and v not in OWNER_SEES_NO_MARKER],
)
def test_the_owner_sees_the_markers_the_matrix_looks_for(world, view):
    owner = world.a.manager.user
    # Their own name is on every page they see; it proves nothing about the page.
    own = " ".join([owner.username, owner.first_name, owner.last_name, owner.email])
    client = world.client("owner")
    found = [
        problem
        for call in probe_for(world, view).reads
        for problem in run(client, call, expectations=False, known=own)
        if "A's data on the page" in problem
    ]
    assert found, f"A's own manager sees none of A's other markers on {view}: the probe could not find a leak there"


def test_a_s_own_links_and_code_reach_a_s_rows(world):
    """Controls for the signed-link pages and the check-in: A's genuine links show A's markers and A's kiosk
    checks A's code in, so the forged links and B's kiosk are refused for what they are, not for a dead row."""
    client = Client(raise_request_exception=False)
    live = [a for a in _theirs(world, Appointment) if a.ends_at > timezone.now()]
    urls = [
        reverse(name, args=[appointment_token(a)])
        for a in live
        for name in ("web:booking_confirmed", "web:booking_manage")
    ]
    urls += [reverse("web:booking_ics", args=[appointment_token(a)]) for a in live]
    urls += [reverse("web:satisfaction_tablet", args=[tablet_token(c)]) for c in _theirs(world, Counter)]
    urls += [
        reverse("web:waitlist_offer", args=[waitlist_token(e)])
        for e in _theirs(world, WaitlistEntry)
        if e.status == WaitlistStatus.OFFERED
    ]
    assert len(urls) >= 5
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaks(response.content.decode(), ""), f"A's own link {url} shows none of A's markers"
    today = next(a for a in live if a.status == AppointmentStatus.BOOKED)
    # At 10.00 tomorrow, whenever the test runs: today's time on the day it is, within A's opening hours.
    at = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(10)))
    Appointment.objects.filter(pk=today.pk).update(starts_at=at, ends_at=at + dt.timedelta(minutes=87))
    with mock.patch("django.utils.timezone.now", return_value=at):
        response = client.post(reverse("web:kiosk_check_in", args=[today.site_id]), {"code": today.code})
    assert response["Location"].startswith(reverse("web:kiosk_ticket", args=[today.site_id]))


def test_the_snapshot_notices_a_change_by_the_owner(world):
    site = world.rows(Site, world.a).first()
    url = reverse("admin:organisation_site_change", args=[site.pk])
    before = snapshot(world)
    response = world.client("owner").post(url, hostile(*form_of(world.root.get(url))))
    assert response.status_code == 302
    assert any(
        change.startswith(f"organisation.site #{site.pk} changed: name")
        for change in differences(before, snapshot(world))
    )


# Library staff and authority work. Nothing hides an authority service's guidance from library staff
# today: the service page shows it to everyone, with the policy's verdict. The verdict is what is checked,
# and that it follows the staff member's own municipality's policy, not the other's.

LIBRARY_VERDICTS = [
    pytest.param(
        "a",
        "passport-application",
        "Din bemyndigelse til Pas er tilbagekaldt — henvis til en borgerservicemedarbejder.",
        id="roskilde-allows-library-staff-passports-but-the-authorisation-is-revoked",
    ),
    pytest.param(
        "a",
        "address-change",
        "Kommunen tillader ikke, at biblioteksmedarbejdere behandler Flytning — henvis til en "
        "borgerservicemedarbejder.",
        id="roskilde-does-not-allow-library-staff-this-service",
    ),
    pytest.param(
        "b",
        "passport-application",
        "Biblioteksmedarbejdere udfører ikke myndighedsopgaver i kommunen — henvis til en borgerservicemedarbejder.",
        id="frederiksberg-allows-no-authority-work-whatever-roskilde-allows",
    ),
]


@pytest.mark.parametrize(("side", "key", "verdict"), LIBRARY_VERDICTS)
def test_library_staff_are_told_to_refer_authority_work_by_their_own_municipalitys_policy(world, side, key, verdict):
    own = getattr(world, side)
    client = Client()
    client.force_login(own.librarian.user)
    session = client.session
    session[SESSION_COUNTER_KEY] = own.library_counter.pk
    session.save()
    content = client.get(reverse("web:service", args=[key])).content.decode()
    assert verdict in content
    assert "Du kan behandle den her" not in content
