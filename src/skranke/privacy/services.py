"""State changes in privacy: recording an access, the citizen's access report, retention settings, the purge."""

import contextlib
import datetime as dt
import ipaddress
import re
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skranke.errors import SkrankeError
from skranke.privacy import retention
from skranke.privacy.chain import GENESIS, chain_seal, entry_hash
from skranke.privacy.cpr import CitizenHash, Cpr, citizen_hash, redact
from skranke.privacy.models import (
    RETENTION_MAX_DAYS,
    RETENTION_MIN_DAYS,
    Action,
    AuditChain,
    AuditEntry,
    DataKind,
    RetentionSetting,
)
from skranke.sql import Columns, column, insert, insert_sql, insert_values, saved, sql_cursor, statement, table

# Reading, searching or exporting a citizen's data needs a purpose (C-579/21:
# the citizen may learn when and why their data were used).
NEEDS_PURPOSE = {Action.READ, Action.SEARCH, Action.EXPORT}
_HASH = re.compile(r"[0-9a-f]{64}")


def client_address(request) -> str | None:
    """The address the request came from, as the proxy in front of Skranke set it."""
    raw = request.META.get("REMOTE_ADDR", "")
    try:
        return ipaddress.ip_address(raw).compressed
    except ValueError:
        return None


def _citizen(value: Cpr | CitizenHash | None) -> CitizenHash | None:
    if value is None or isinstance(value, CitizenHash):
        return value
    return citizen_hash(value)


def _clean_criteria(criteria: dict | None) -> dict:
    """Search criteria as plain strings, never a CPR number (pass the citizen as `citizen`)."""
    cleaned = {}
    for key, value in (criteria or {}).items():
        if value is None or value == "":
            continue
        if isinstance(value, int | bool) or _HASH.fullmatch(str(value)):
            cleaned[str(key)] = value
        else:
            cleaned[str(key)] = redact(str(value))
    return cleaned


def audit_record(
    *,
    municipality,
    action: str,
    actor=None,
    client_address: str | None = None,
    object_type: str = "",
    object_id: str | int = "",
    citizen: Cpr | CitizenHash | None = None,
    purpose: str = "",
    criteria: dict | None = None,
    detail: str = "",
) -> AuditEntry:
    """Append one entry to the municipality's audit trail, in the caller's transaction.

    Call it inside the transaction of the action it records: if the action
    rolls back, so does its entry, and an action is never without its entry.
    `actor` is None only for what Skranke does by itself (the purge).
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action: {action}")
    purpose = redact(purpose.strip())
    if citizen is not None and action in NEEDS_PURPOSE and not purpose:
        raise SkrankeError(
            _("Skriv formålet med opslaget, fx sagsnummeret eller »borgeren står ved skranken«."),
            code="invalid",
            field="purpose",
        )
    # No savepoint inside the caller's transaction: an error here undoes the action too, as it must.
    with transaction.atomic(savepoint=False):
        entry = AuditEntry(
            municipality=municipality,
            at=timezone.now(),
            actor=actor,
            actor_name=actor.get_username() if actor is not None else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            citizen=_citizen(citizen),
            purpose=purpose[:300],
            criteria=_clean_criteria(criteria),
            detail=redact(str(detail))[:500],
            client_address=client_address,
        )
        _append(entry)
        return entry


# Appending to the chain. Every recorded action of a municipality (every finished ticket among them) appends
# to the one chain row, which stays locked until the action's transaction commits: the statements from the
# lock to the commit are the ones every other counter of the municipality waits for. So, by hand
# (`skranke.sql`): the lock and the next sequence number in one UPDATE ... RETURNING, then on PostgreSQL the
# entry and the new head in one statement; two round trips, where the ORM's select_for_update, save and save
# took three and 0.8 ms more CPU (bench/walkin.py, finish at 16 workers).

_HEAD = Columns(AuditChain)


@statement
def _advance_sql() -> str:
    sequence = column(AuditChain, "sequence")
    return (
        f"UPDATE {table(AuditChain)} SET {sequence} = {sequence} + 1 "
        f"WHERE {column(AuditChain, 'municipality')} = %s RETURNING {_HEAD.select()}"
    )


@statement
def _head_sql() -> str:
    return (
        f"UPDATE {table(AuditChain)} SET {column(AuditChain, 'last_hash')} = %s, {column(AuditChain, 'seal')} = %s "
        f"WHERE {column(AuditChain, 'id')} = %s"
    )


@statement
def _entry_and_head_sql() -> str:
    """PostgreSQL: the entry's INSERT in a WITH beside the head's UPDATE, one statement; the entry's id back."""
    return f"WITH e AS ({insert_sql(AuditEntry)}) {_head_sql()} RETURNING (SELECT e.{column(AuditEntry, 'id')} FROM e)"


def _advance(municipality_id: int) -> AuditChain | None:
    """The municipality's chain head, locked, its sequence already moved on to the new entry's; None without a chain."""
    with sql_cursor() as cursor:
        cursor.execute(_advance_sql(), [municipality_id])
        row = cursor.fetchone()
    return None if row is None else _HEAD.make(row)


def _append(entry: AuditEntry) -> None:
    """Give `entry` its place and hash in its municipality's chain, and save it and the new chain head."""
    head = _advance(entry.municipality_id)
    if head is None:
        # The municipality's first entry ever: make the chain (another transaction making it at the same
        # moment is waited for), then take it as any later entry does.
        AuditChain.objects.get_or_create(
            municipality_id=entry.municipality_id,
            defaults={"last_hash": GENESIS, "pruned_hash": GENESIS, "seal": ""},
        )
        head = _advance(entry.municipality_id)
    entry.sequence, entry.previous_hash = head.sequence, head.last_hash
    entry.entry_hash = entry_hash(entry)
    head.last_hash = entry.entry_hash
    head.seal = chain_seal(head)
    if connection.vendor == "postgresql":
        with sql_cursor() as cursor:
            cursor.execute(_entry_and_head_sql(), [*insert_values(entry), head.last_hash, head.seal, head.pk])
            entry.pk = cursor.fetchone()[0]
        saved(entry)
    else:
        insert(entry)
        with sql_cursor() as cursor:
            cursor.execute(_head_sql(), [head.last_hash, head.seal, head.pk])


# The citizen's access report


@dataclass(frozen=True)
class Access:
    at: dt.datetime
    action: str
    purpose: str

    @property
    def action_label(self) -> str:
        return Action(self.action).label


@dataclass(frozen=True)
class AccessReport:
    masked_cpr: str
    municipality: object
    made_at: dt.datetime
    accesses: list[Access] = field(default_factory=list)


@transaction.atomic
def citizen_access_report(
    *, municipality, cpr: Cpr, purpose: str, actor, client_address: str | None = None
) -> AccessReport:
    """Dates and purposes of every recorded use of one citizen's data, without staff names (C-579/21).

    Making the report is itself recorded (EXPORT), after the report is read,
    so it lists the uses before this one.
    """
    hashed = citizen_hash(cpr)
    accesses = [
        Access(at=at, action=action, purpose=entry_purpose)
        for at, action, entry_purpose in AuditEntry.objects.filter(municipality=municipality, citizen=hashed)
        .order_by("at", "sequence")
        .values_list("at", "action", "purpose")
    ]
    audit_record(
        municipality=municipality,
        action=Action.EXPORT,
        actor=actor,
        client_address=client_address,
        object_type="privacy.accessreport",
        citizen=hashed,
        purpose=purpose,
        detail=_("Indsigt i logning: %(count)d opslag") % {"count": len(accesses)},
    )
    return AccessReport(masked_cpr=cpr.masked, municipality=municipality, made_at=timezone.now(), accesses=accesses)


# Retention


def validate_retention_days(days, *, kind: str = "") -> int:
    label = DataKind(kind).label if kind in DataKind.values else _("oplysningerne")
    try:
        value = int(days)
    except (TypeError, ValueError):
        raise SkrankeError(
            _("Opbevaringsperioden for %(kind)s skal være et helt antal dage.") % {"kind": label},
            code="invalid",
            field="days",
        ) from None
    if not RETENTION_MIN_DAYS <= value <= RETENTION_MAX_DAYS:
        raise SkrankeError(
            _("Opbevaringsperioden for %(kind)s skal være mellem %(min)d og %(max)d dage; %(days)d går ikke.")
            % {"kind": label, "min": RETENTION_MIN_DAYS, "max": RETENTION_MAX_DAYS, "days": value},
            code="invalid",
            field="days",
        )
    return value


@transaction.atomic
def retention_set(*, municipality, kind: str, days, changed_by, client_address: str | None = None) -> RetentionSetting:
    if kind not in DataKind.values:
        raise SkrankeError(_("Ukendt type af oplysninger."), code="invalid", field="kind")
    value = validate_retention_days(days, kind=kind)
    setting, _created = RetentionSetting.objects.update_or_create(
        municipality=municipality, kind=kind, defaults={"days": value, "changed_by": changed_by}
    )
    audit_record(
        municipality=municipality,
        action=Action.CHANGE,
        actor=changed_by,
        client_address=client_address,
        object_type="privacy.retentionsetting",
        object_id=setting.pk,
        criteria={"kind": kind, "days": value},
    )
    return setting


def retention_days(*, municipality) -> dict[str, int]:
    """The period in force per kind for one municipality: its own setting, else the default."""
    own = dict(RetentionSetting.objects.filter(municipality=municipality).values_list("kind", "days"))
    return _in_force(own)


def _in_force(own: dict[str, int]) -> dict[str, int]:
    return {kind: own.get(kind, retention.DEFAULTS[kind].days) for kind in DataKind.values}


@dataclass(frozen=True)
class PurgeLine:
    municipality: object
    kind: str
    days: int
    cutoff: dt.datetime
    count: int


def purge(*, municipalities, now: dt.datetime | None = None, dry_run: bool = False) -> list[PurgeLine]:
    """Delete or anonymise personal data older than each municipality's retention period.

    Every setting is checked before anything is deleted; a bad one stops the
    whole run with a message and changes nothing. Each municipality is purged
    in its own transaction, and each kind that lost rows gets an audit entry.
    """
    now = now or timezone.now()
    municipalities = list(municipalities)
    own: dict[tuple[int, str], int] = {}
    for setting in RetentionSetting.objects.filter(municipality__in=municipalities).select_related("municipality"):
        try:
            own[setting.municipality_id, setting.kind] = validate_retention_days(setting.days, kind=setting.kind)
        except SkrankeError as error:
            raise SkrankeError(f"{setting.municipality}: {error.message}", code="invalid") from None
    lines = []
    for municipality in municipalities:
        days = _in_force({kind: d for (pk, kind), d in own.items() if pk == municipality.pk})
        with transaction.atomic():
            for kind, purger in retention.purgers().items():
                cut = now - dt.timedelta(days=days[kind])
                count = purger(municipality=municipality, cutoff=cut, dry_run=dry_run)
                lines.append(PurgeLine(municipality, kind, days[kind], cut, count))
                if count and not dry_run and kind != DataKind.AUDIT:
                    audit_record(
                        municipality=municipality,
                        action=Action.DELETE,
                        object_type=kind,
                        criteria={"kind": kind, "count": count, "cutoff": cut.isoformat()},
                        detail=_("Slettet efter opbevaringsperioden"),
                    )
    return lines


def purge_audit_entries(*, municipality, cutoff: dt.datetime, dry_run: bool) -> int:
    """Delete the municipality's entries older than `cutoff`, and record where the chain now starts."""
    old = AuditEntry.objects.filter(municipality=municipality, at__lt=cutoff)
    if dry_run:
        return old.count()
    chain = AuditChain.objects.select_for_update().filter(municipality=municipality).first()
    last = old.order_by("-sequence").values_list("sequence", "entry_hash").first()
    if chain is None or last is None:
        return 0
    through, through_hash = last
    with _audit_delete_allowed():
        count, _per_model = models.QuerySet.delete(
            AuditEntry.objects.filter(municipality=municipality, sequence__lte=through)
        )
    chain.pruned_through, chain.pruned_hash = through, through_hash
    chain.seal = chain_seal(chain)
    chain.save(update_fields=["pruned_through", "pruned_hash", "seal"])
    audit_record(
        municipality=municipality,
        action=Action.DELETE,
        object_type=DataKind.AUDIT,
        criteria={
            "kind": DataKind.AUDIT,
            "count": count,
            "cutoff": cutoff.isoformat(),
            "pruned_through": through,
            "pruned_hash": through_hash,
        },
        detail=_("Slettet efter opbevaringsperioden"),
    )
    return count


@contextlib.contextmanager
def _audit_delete_allowed():
    """On PostgreSQL the trigger lets DELETE through only with this transaction-local setting on."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('skranke.audit_purge', 'on', true)")
    try:
        yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('skranke.audit_purge', 'off', true)")
