"""Reads of the audit trail, always scoped to the acting user's municipality."""

import datetime as dt

from django.db.models import QuerySet

from skranke.organisation.selectors import scope
from skranke.privacy.cpr import CitizenHash
from skranke.privacy.models import AuditEntry


def audit_entries(
    *,
    user,
    citizen: CitizenHash | None = None,
    actor_id: int | None = None,
    action: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEntry]:
    """The trail the user may see, newest first, filtered by citizen hash, staff member, action and period."""
    entries = scope(
        AuditEntry.objects.select_related("actor", "municipality"), user=user, path="municipality"
    ).order_by("-at", "-sequence")
    if citizen is not None:
        entries = entries.filter(citizen=citizen)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if action:
        entries = entries.filter(action=action)
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lt=until)
    return entries
