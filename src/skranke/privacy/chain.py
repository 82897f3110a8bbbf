"""The audit trail's hash chain: how an entry and a chain head are sealed, and how a chain is verified."""

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings

from skranke.privacy.models import AuditChain, AuditEntry

GENESIS = "0" * 64


def _hmac(payload: str) -> str:
    return hmac.new(settings.AUDIT_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()


def entry_hash(entry) -> str:
    """HMAC over every field that says what happened, and over the previous entry's hash."""
    at = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload = [
        entry.municipality_id,
        entry.sequence,
        at,
        entry.actor_id,
        entry.actor_name,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.citizen.hex if entry.citizen is not None else "",
        entry.purpose,
        entry.criteria,
        entry.detail,
        entry.client_address or "",
        entry.previous_hash,
    ]
    return _hmac(json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def chain_seal(chain) -> str:
    return _hmac(
        f"{chain.municipality_id}|{chain.sequence}|{chain.last_hash}|{chain.pruned_through}|{chain.pruned_hash}"
    )


@dataclass(frozen=True)
class Problem:
    sequence: int
    message: str


def verify_chain(*, municipality_id: int) -> list[Problem]:
    """Every entry of one municipality in order; what was changed, inserted or deleted.

    Reads the entries in batches by sequence, so a long trail does not load
    into memory at once.
    """
    problems: list[Problem] = []
    chain = AuditChain.objects.filter(municipality_id=municipality_id).first()
    entries = AuditEntry.objects.filter(municipality_id=municipality_id)
    if chain is None:
        if entries.exists():
            problems.append(Problem(0, "Kæden mangler sit hoved, men der er logindgange."))
        return problems
    if not hmac.compare_digest(chain.seal, chain_seal(chain)):
        problems.append(Problem(chain.sequence, "Kædens hoved er ændret uden om Skranke."))

    expected_sequence = chain.pruned_through + 1
    expected_previous = chain.pruned_hash
    last_purge = None
    for entry in entries.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence < expected_sequence:
            # Below the pruned mark, or a duplicate sequence number: never a real entry.
            problems.append(Problem(entry.sequence, f"Indgang #{entry.sequence} hører ikke til i kæden."))
            continue
        if entry.sequence > expected_sequence:
            problems.append(_missing(expected_sequence, entry.sequence - 1))
        elif entry.previous_hash != expected_previous:
            problems.append(Problem(entry.sequence, f"Indgang #{entry.sequence} peger ikke på indgangen før den."))
        if not hmac.compare_digest(entry.entry_hash, entry_hash(entry)):
            problems.append(
                Problem(entry.sequence, f"Indgang #{entry.sequence} er ændret eller indsat uden om Skranke.")
            )
        if "pruned_through" in entry.criteria:
            last_purge = entry
        expected_sequence = entry.sequence + 1
        expected_previous = entry.entry_hash

    if expected_sequence <= chain.sequence:
        problems.append(_missing(expected_sequence, chain.sequence))
    if chain.pruned_through and (
        last_purge is None
        or last_purge.criteria.get("pruned_through") != chain.pruned_through
        or last_purge.criteria.get("pruned_hash") != chain.pruned_hash
    ):
        problems.append(
            Problem(
                chain.pruned_through,
                f"Kæden starter efter #{chain.pruned_through}, men ingen sletning efter opbevaringsperioden er logget.",
            )
        )
    return sorted(problems, key=lambda p: p.sequence)


def _missing(first: int, last: int) -> Problem:
    if first == last:
        return Problem(first, f"Indgang #{first} mangler (slettet).")
    return Problem(first, f"Indgang #{first}–#{last} mangler (slettet).")
