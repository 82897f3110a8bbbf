"""Reads of the catalogue: services, the fees valid on a day, life events."""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from skranke.catalogue.models import Fee, LifeEvent, LifeEventStep, Service


def services_list(*, kind: str | None = None, query: str = "") -> QuerySet[Service]:
    services = Service.objects.filter(retired=False)
    if kind:
        services = services.filter(kind=kind)
    query = query.strip()
    if query:
        services = services.filter(Q(name_da__icontains=query) | Q(name_en__icontains=query) | Q(key__icontains=query))
    return services.order_by("kind", "name_da")


def _with_guidance(services: QuerySet[Service]) -> QuerySet[Service]:
    """Fees, related services and the life events (in the catalogue's order of life events) loaded along."""
    return services.prefetch_related(
        "fees",
        Prefetch("related", queryset=Service.objects.filter(retired=False).order_by("name_da")),
        Prefetch(
            "life_event_steps",
            queryset=LifeEventStep.objects.select_related("life_event").order_by(
                "life_event__position", "life_event__key"
            ),
        ),
    )


def service_detail(*, key: str) -> Service:
    return _with_guidance(Service.objects.all()).get(key=key)


def services_detail(*, services: list[Service]) -> list[Service]:
    """`service_detail` for several services at once, in the order given."""
    found = {s.pk: s for s in _with_guidance(Service.objects.filter(pk__in=[s.pk for s in services]))}
    return [found[s.pk] for s in services if s.pk in found]


def fees_valid_on(*, service: Service, day: dt.date | None = None) -> list[Fee]:
    """Per band (label), the newest entry that has started by `day`.

    When that entry's amount is unknown, `last_known` is the newest earlier
    entry of the band with an amount (else None), so staff see the last
    confirmed figure beside the "unknown".
    """
    day = day or timezone.localdate()
    current: dict[str, Fee] = {}
    last_known: dict[str, Fee] = {}
    for fee in sorted(service.fees.all(), key=lambda f: f.valid_from):
        if fee.valid_from <= day:
            fee.last_known = last_known.get(fee.label) if fee.amount is None else None
            current[fee.label] = fee
            if fee.amount is not None:
                last_known[fee.label] = fee
    return sorted(current.values(), key=lambda f: (f.age_min is None, f.age_min or 0, f.label))


def life_events_list() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.prefetch_related(
        Prefetch("steps", queryset=LifeEventStep.objects.select_related("service").order_by("position"))
    ).order_by("position")


def life_event_detail(*, key: str) -> LifeEvent:
    return life_events_list().get(key=key)
