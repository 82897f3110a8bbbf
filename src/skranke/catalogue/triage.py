"""The catalogue handed to the triage matcher as plain data.

Two sources give the same `ServiceText` list: the YAML files (the bench and
tools that run without a database) and the loaded catalogue in the database
(the counter and the kiosk). The database matcher is built once per loaded
catalogue version and rebuilt when a new version is loaded.
"""

import threading
from collections import defaultdict

from skranke.catalogue.loader import Catalogue
from skranke.triage.matcher import Matcher, ServiceText

_lock = threading.Lock()
_cached: tuple[str, Matcher] | None = None


def service_texts(catalogue: Catalogue) -> list[ServiceText]:
    """From the YAML records (`read_catalogue`); retired services are left out."""
    events: dict[str, list[str]] = defaultdict(list)
    for event in catalogue.life_events:
        if event.steps:
            events[event.steps[0].service] += [event.name_da, event.name_en]
    return [
        ServiceText(
            key=s.key,
            kind=s.kind,
            names=(s.name_da, s.name_en),
            search_words=tuple(s.search_words),
            examples=tuple(s.examples),
            events=tuple(events[s.key]),
        )
        for s in sorted(catalogue.services, key=lambda s: s.position)
        if not s.retired
    ]


def service_texts_from_database() -> list[ServiceText]:
    from skranke.catalogue.models import LifeEvent, Service

    events: dict[int, list[str]] = defaultdict(list)
    for event in LifeEvent.objects.prefetch_related("steps").order_by("position"):
        steps = sorted(event.steps.all(), key=lambda step: step.position)
        if steps:
            events[steps[0].service_id] += [event.name_da, event.name_en]
    return [
        ServiceText(
            key=s.key,
            kind=s.kind,
            names=(s.name_da, s.name_en),
            search_words=tuple(s.search_words),
            examples=tuple(s.examples),
            events=tuple(events[s.pk]),
        )
        for s in Service.objects.filter(retired=False).order_by("position", "key")
    ]


def matcher() -> Matcher | None:
    """The matcher for the catalogue as loaded; None while no catalogue is loaded."""
    global _cached
    from skranke.catalogue.models import CatalogueVersion

    current = CatalogueVersion.objects.order_by("-loaded_at", "-pk").values_list("checksum", flat=True).first()
    if current is None:
        return None
    with _lock:
        if _cached is None or _cached[0] != current:
            texts = service_texts_from_database()
            if not texts:
                return None
            _cached = (current, Matcher(texts))
        return _cached[1]
