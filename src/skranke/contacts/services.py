"""Recording a served citizen: the policy check for every service, the outcomes, and the citizen only as a hash."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skranke.catalogue.models import Kind, Service, localized
from skranke.contacts.models import (
    Contact,
    ContactService,
    Face,
    GuidanceMode,
    Outcome,
    RolledUpDay,
    SatisfactionChannel,
    SatisfactionResponse,
)
from skranke.errors import SkrankeError
from skranke.organisation.models import Counter, StaffMember
from skranke.organisation.selectors import prefetch_for_policy
from skranke.organisation.services import policy_enforce
from skranke.privacy.cpr import CitizenHash, Cpr, citizen_hash, redact
from skranke.privacy.models import Action
from skranke.privacy.services import audit_record
from skranke.queues.models import Channel, Ticket
from skranke.queues.services import ticket_done
from skranke.sql import insert_with_rows

# A line is a re-contact when the same citizen had a contact about the same service this long before.
RECONTACT_WINDOW = dt.timedelta(days=14)


@dataclass(frozen=True)
class Line:
    service: Service
    outcome: str
    referred_to: str = ""
    guidance_mode: str = ""


def validate_lines(lines: list[Line]) -> None:
    if not lines:
        raise SkrankeError(_("Angiv mindst én ydelse og dens resultat."), code="invalid", field="lines")
    seen = set()
    for line in lines:
        name = localized(line.service, "name")
        if line.service.pk in seen:
            raise SkrankeError(_("%(service)s står der to gange.") % {"service": name}, code="invalid")
        seen.add(line.service.pk)
        if line.outcome not in Outcome.values:
            raise SkrankeError(_("Vælg et resultat for %(service)s.") % {"service": name}, code="invalid")
        if line.outcome == Outcome.REFERRED and not line.referred_to.strip():
            raise SkrankeError(
                _("Skriv hvem borgeren er henvist til for %(service)s.") % {"service": name}, code="invalid"
            )
        if line.service.kind == Kind.GUIDANCE and line.guidance_mode not in GuidanceMode.values:
            raise SkrankeError(
                _("Angiv for %(service)s, om borgeren blev vist hvordan, eller om det blev gjort for borgeren.")
                % {"service": name},
                code="invalid",
            )


def _check(*, lines: list[Line], staff: StaffMember, counter: Counter, client_address, at: dt.datetime) -> None:
    """Complete outcomes, and the policy check for every service: a refusal is recorded and raised before any save."""
    validate_lines(lines)
    prefetch_for_policy(staff)
    for line in lines:
        policy_enforce(staff=staff, service=line.service, counter=counter, client_address=client_address, at=at)


def contact_record(
    *,
    staff: StaffMember,
    counter: Counter,
    lines: list[Line],
    ticket: Ticket | None = None,
    cpr: Cpr | None = None,
    power_of_attorney: bool = False,
    started_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    client_address: str | None = None,
) -> Contact:
    """The record of one served citizen, with or without a ticket.

    Every service passes the policy check first; a refusal is recorded and
    raised before anything is saved. The CPR number, when given, is kept
    only as the citizen hash.
    """
    now = now or timezone.now()
    _check(lines=lines, staff=staff, counter=counter, client_address=client_address, at=now)
    with transaction.atomic():
        return _create(
            staff=staff,
            counter=counter,
            lines=lines,
            ticket=ticket,
            cpr=cpr,
            power_of_attorney=power_of_attorney,
            started_at=started_at or now,
            now=now,
            client_address=client_address,
        )


def ticket_finish(
    *,
    ticket: Ticket,
    staff: StaffMember,
    lines: list[Line],
    cpr: Cpr | None = None,
    power_of_attorney: bool = False,
    now: dt.datetime | None = None,
    client_address: str | None = None,
) -> Contact:
    """Finish a called or served ticket and record its contact; a ticket finished twice is refused, not doubled."""
    now = now or timezone.now()
    if ticket.counter is None:
        raise SkrankeError(_("Kønummer %(ticket)s er ikke kaldt endnu.") % {"ticket": ticket.label}, code="conflict")
    _check(lines=lines, staff=staff, counter=ticket.counter, client_address=client_address, at=now)
    with transaction.atomic():
        ticket = ticket_done(ticket=ticket, staff=staff, now=now)
        return _create(
            staff=staff,
            counter=ticket.counter,
            lines=lines,
            ticket=ticket,
            cpr=cpr,
            power_of_attorney=power_of_attorney,
            started_at=ticket.started_at or now,
            now=now,
            client_address=client_address,
        )


def _create(*, staff, counter, lines, ticket, cpr, power_of_attorney, started_at, now, client_address) -> Contact:
    if now < started_at:
        raise SkrankeError(_("Henvendelsen slutter før den begynder; tjek tidspunkterne."), code="invalid")
    wait = None
    if ticket is not None and ticket.called_at is not None:
        wait = max(0, int((ticket.called_at - ticket.issued_at).total_seconds()))
    citizen = citizen_hash(cpr) if cpr is not None else None
    again = recontacted_services(citizen=citizen, services=[line.service for line in lines], at=now)
    # By hand (`skranke.sql`): on PostgreSQL one statement for the contact and its lines, elsewhere two
    # INSERTs, as Contact.objects.create and ContactService.objects.bulk_create make them, for a third of
    # their CPU; every finished ticket records a contact.
    contact = insert_with_rows(
        Contact(
            site=counter.site,
            counter=counter,
            area=counter.area,
            staff=staff.user,
            staff_group=staff.staff_group,
            ticket=ticket,
            channel=ticket.channel if ticket is not None else Channel.WALK_IN,
            started_at=started_at,
            finished_at=now,
            wait_seconds=wait,
            service_seconds=max(0, int((now - started_at).total_seconds())),
            power_of_attorney=power_of_attorney,
            citizen=citizen,
        ),
        [
            ContactService(
                service=line.service,
                outcome=line.outcome,
                referred_to=line.referred_to.strip(),
                guidance_mode=line.guidance_mode if line.service.kind == Kind.GUIDANCE else "",
                recontact=None if citizen is None else line.service.pk in again,
            )
            for line in lines
        ],
        "contact",
    )
    _roll_up_again(site_id=counter.site_id, at=now)
    audit_record(
        municipality=counter.site.municipality,
        action=Action.CREATE,
        actor=staff.user,
        client_address=client_address,
        object_type="contacts.contact",
        object_id=contact.pk,
        citizen=contact.citizen,
    )
    return contact


def _roll_up_again(*, site_id: int, at: dt.datetime) -> None:
    """Something recorded for a day already over: the key figures' roll-up of it is added up again when next read."""
    day = timezone.localdate(at)
    if day < timezone.localdate():
        RolledUpDay.objects.filter(site_id=site_id, day=day).delete()


def recontacted_services(*, citizen: CitizenHash | None, services: list[Service], at: dt.datetime) -> set[int]:
    """Of `services`, the ids of those the citizen had a contact about in the RECONTACT_WINDOW before `at`.

    One query on the citizen's index; empty without a citizen.
    """
    if citizen is None or not services:
        return set()
    return set(
        ContactService.objects.filter(
            contact__citizen=citizen,
            contact__finished_at__gte=at - RECONTACT_WINDOW,
            contact__finished_at__lt=at,
            service__in=services,
        ).values_list("service_id", flat=True)
    )


def contacts_of_citizen(
    *, staff: StaffMember, cpr: Cpr, purpose: str, client_address: str | None, limit: int, via: str = ""
) -> list[Contact]:
    """The citizen's latest contacts in the staff member's municipality, newest first, with their lines.

    The read and its audit entry (SEARCH, with the purpose) are one transaction: no
    search without its entry, and a search refused for want of a purpose reads nothing.
    """
    hashed = citizen_hash(cpr)
    with transaction.atomic():
        contacts = list(
            Contact.objects.filter(site__municipality=staff.municipality_id, citizen=hashed)
            .prefetch_related("lines__service")
            .order_by("-finished_at", "-pk")[:limit]
        )
        audit_record(
            municipality=staff.municipality,
            action=Action.SEARCH,
            actor=staff.user,
            client_address=client_address,
            object_type="contacts.contact",
            citizen=hashed,
            purpose=purpose,
            criteria={"count": len(contacts), **({"via": via} if via else {})},
        )
    return contacts


def purge_contact_citizen(*, municipality, cutoff: dt.datetime, dry_run: bool) -> int:
    """Remove the citizen hash from contacts finished before `cutoff`; the contacts stay for statistics."""
    contacts = Contact.objects.filter(site__municipality=municipality, finished_at__lt=cutoff, citizen__isnull=False)
    if dry_run:
        return contacts.count()
    return contacts.update(citizen=None)


# Satisfaction: one question, five faces, after the visit

# How long after the contact the counter's tablet still asks about it.
TABLET_WINDOW = dt.timedelta(minutes=10)
COMMENT_LENGTH = 500


def satisfaction_record(
    *, contact: Contact, face, comment: str = "", channel: str, now: dt.datetime | None = None
) -> SatisfactionResponse:
    """The citizen's answer about one contact; a second answer to the same contact is refused.

    Anonymous: nothing about the citizen is stored with it. A CPR-shaped number
    in the comment is removed before it is saved.
    """
    try:
        face = int(face)
    except (TypeError, ValueError):
        face = 0
    if face not in Face.values:
        raise SkrankeError(_("Vælg et af de fem ansigter."), code="invalid", field="face")
    if channel not in SatisfactionChannel.values:
        raise SkrankeError(_("Ukendt kanal."), code="invalid")
    comment = redact((comment or "").strip())
    if len(comment) > COMMENT_LENGTH:
        raise SkrankeError(
            _("Kommentaren må højst være %(count)d tegn.") % {"count": COMMENT_LENGTH}, code="invalid", field="comment"
        )
    try:
        with transaction.atomic():
            answer = SatisfactionResponse.objects.create(
                contact=contact, face=face, comment=comment, channel=channel, answered_at=now or timezone.now()
            )
            _roll_up_again(site_id=contact.site_id, at=contact.finished_at)
            return answer
    except IntegrityError:
        raise SkrankeError(_("Tak, vi har allerede dit svar."), code="conflict") from None


def contact_to_rate_at_counter(*, counter: Counter, now: dt.datetime | None = None) -> Contact | None:
    """The counter's latest contact of the last few minutes not yet answered: what its tablet asks about."""
    now = now or timezone.now()
    return (
        Contact.objects.filter(counter=counter, finished_at__gte=now - TABLET_WINDOW, finished_at__lte=now)
        .filter(satisfaction__isnull=True)
        .order_by("-finished_at", "-pk")
        .first()
    )


def purge_satisfaction_comments(*, municipality, cutoff: dt.datetime, dry_run: bool) -> int:
    """Blank the comments of answers given before `cutoff`; the faces stay for the statistics."""
    answers = SatisfactionResponse.objects.filter(
        contact__site__municipality=municipality, answered_at__lt=cutoff
    ).exclude(comment="")
    if dry_run:
        return answers.count()
    return answers.update(comment="")
