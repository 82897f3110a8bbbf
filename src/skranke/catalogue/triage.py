"""The catalogue handed to the triage matcher as plain data.

Two sources give the same `ServiceText` list: the YAML files (the bench and
tools that run without a database) and the loaded catalogue in the database
(the counter and the kiosk). The database matcher is built once per loaded
catalogue version and rebuilt when a new version is loaded.
"""

import threading
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from skranke.catalogue.loader import Catalogue
from skranke.triage import learned
from skranke.triage.matcher import Match, Matcher, ServiceText

_lock = threading.Lock()
_cached: tuple[str, Matcher] | None = None


def _service_text(service, events: dict[str, list[str]]) -> ServiceText:
    """ServiceText of a catalogue service: a loader ServiceRecord and a Service row name their fields alike."""
    return ServiceText(
        key=service.key,
        kind=service.kind,
        names=(service.name_da, service.name_en),
        search_words=tuple(service.search_words),
        examples=tuple(service.examples),
        events=tuple(events[service.key]),
        descriptions=(service.description_da, service.description_en),
    )


def service_texts(catalogue: Catalogue) -> list[ServiceText]:
    """From the YAML records (`read_catalogue`); retired services are left out."""
    events: dict[str, list[str]] = defaultdict(list)
    for event in catalogue.life_events:
        if event.steps:
            events[event.steps[0].service] += [event.name_da, event.name_en]
    services = sorted((s for s in catalogue.services if not s.retired), key=lambda s: s.position)
    return [_service_text(s, events) for s in services]


def service_texts_from_database() -> list[ServiceText]:
    # Imported here: the YAML path above serves the bench and tools without Django set up.
    from skranke.catalogue.models import LifeEventStep, Service

    # The life events that begin with a service: their first step (lowest position).
    events: dict[str, list[str]] = defaultdict(list)
    seen: set[int] = set()
    steps = LifeEventStep.objects.select_related("life_event", "service").order_by(
        "life_event__position", "life_event_id", "position"
    )
    for step in steps:
        if step.life_event_id not in seen:
            seen.add(step.life_event_id)
            events[step.service.key] += [step.life_event.name_da, step.life_event.name_en]
    return [_service_text(s, events) for s in Service.objects.filter(retired=False).order_by("position", "key")]


def build_matcher(texts: list[ServiceText]) -> Matcher:
    """The matcher as Skranke answers with it: the rules and the weights learned from the tuning phrasings."""
    return Matcher(texts, learned=learned.load())


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
            _cached = (current, build_matcher(texts))
        return _cached[1]


@dataclass(frozen=True)
class Offered:
    """The matcher's answer, limited to the services a municipality or site offers."""

    matches: list[Match]  # best first, at most `limit`; empty when asking staff
    needs: list[str]  # service keys, when the sentence held more than one need
    choose: bool  # the best two are close and of different kinds: the citizen chooses
    ask_staff: bool


def triage_offered(text: str, offered: Collection[str], *, limit: int = 3) -> Offered:
    """What the kiosk and the API answer `text` with: only services in `offered` (keys).

    "Ask staff" when the matcher is unsure, when no catalogue is loaded, or
    when none of its matches is offered here.
    """
    found = matcher()
    if found is None:
        return Offered(matches=[], needs=[], choose=False, ask_staff=True)
    result = found.match(text)
    matches = [m for m in result.matches if m.service in offered][:limit]
    needs = [m.service for m in result.needs if m.service in offered] if result.several else []
    ask_staff = result.ask_staff or not matches
    return Offered(
        matches=[] if ask_staff else matches,
        needs=needs if len(needs) > 1 and not ask_staff else [],
        choose=result.choose and not ask_staff,
        ask_staff=ask_staff,
    )
