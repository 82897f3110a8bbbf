"""Loading the catalogue into the database: one transaction, and only what changed."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from skranke.catalogue.loader import DATA_DIR, Catalogue, ServiceRecord, read_catalogue
from skranke.catalogue.models import CatalogueVersion, Fee, LifeEvent, LifeEventStep, Service

SERVICE_FIELDS = [
    "kind",
    "name_da",
    "name_en",
    "authority",
    "kle_number",
    "kle_verified",
    "needs_appointment",
    "duration_minutes",
    "duration_verified",
    "description_da",
    "description_en",
    "borger_dk_url",
    "documents",
    "guidance_steps",
    "guidance_pitfalls",
    "legal_basis",
    "search_words",
    "examples",
    "retired",
    "position",
]
FEE_FIELDS = ["amount", "age_min", "age_max", "verified", "source", "note"]


@dataclass
class LoadResult:
    version: str
    services: int = 0
    life_events: int = 0
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def catalogue_load(*, data_dir: Path = DATA_DIR) -> LoadResult:
    """Read, validate and load the catalogue; raises CatalogueInvalid before touching the database."""
    catalogue = read_catalogue(data_dir)
    with transaction.atomic():
        result = _apply(catalogue)
        if result.changed:
            CatalogueVersion.objects.create(
                version=catalogue.version, checksum=catalogue.checksum, summary="\n".join(result.changes[:200])
            )
    return result


def _apply(catalogue: Catalogue) -> LoadResult:
    result = LoadResult(
        version=catalogue.version, services=len(catalogue.services), life_events=len(catalogue.life_events)
    )
    existing = {s.key: s for s in Service.objects.all()}
    services: dict[str, Service] = {}
    for record in catalogue.services:
        services[record.key] = _upsert_service(record, existing.get(record.key), result)

    # A service that left the YAML is retired, never deleted: contacts and
    # statistics keep pointing at it.
    for key, service in existing.items():
        if key not in services and not service.retired:
            service.retired = True
            service.save(update_fields=["retired"])
            result.changes.append(f"ydelse {key}: udgået (ikke længere i kataloget)")

    for record in catalogue.services:
        service = services[record.key]
        wanted = {services[k].pk for k in record.related}
        have = set(service.related.values_list("pk", flat=True))
        if wanted != have:
            service.related.set(wanted)
            result.changes.append(f"ydelse {record.key}: relaterede ydelser")
        _sync_fees(service, record, result)

    _sync_life_events(catalogue, services, result)
    return result


def _upsert_service(record: ServiceRecord, service: Service | None, result: LoadResult) -> Service:
    values = {name: getattr(record, name) for name in SERVICE_FIELDS}
    if service is None:
        result.changes.append(f"ydelse {record.key}: ny")
        return Service.objects.create(key=record.key, **values)
    changed = [name for name, value in values.items() if getattr(service, name) != value]
    if changed:
        for name in changed:
            setattr(service, name, values[name])
        service.save(update_fields=changed)
        result.changes.append(f"ydelse {record.key}: {', '.join(changed)}")
    return service


def _sync_fees(service: Service, record: ServiceRecord, result: LoadResult) -> None:
    have = {(f.label, f.valid_from): f for f in service.fees.all()}
    wanted = {(f.label, f.valid_from): f for f in record.fees}
    for key in have.keys() - wanted.keys():
        have[key].delete()
        result.changes.append(f"ydelse {record.key}: gebyr '{key[0]}' fra {key[1]} fjernet")
    for key, fee in wanted.items():
        values = {name: getattr(fee, name) for name in FEE_FIELDS}
        row = have.get(key)
        if row is None:
            Fee.objects.create(service=service, label=fee.label, valid_from=fee.valid_from, **values)
            result.changes.append(f"ydelse {record.key}: gebyr '{fee.label}' fra {fee.valid_from}")
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            result.changes.append(f"ydelse {record.key}: gebyr '{fee.label}' fra {fee.valid_from} ændret")


def _sync_life_events(catalogue: Catalogue, services: dict[str, Service], result: LoadResult) -> None:
    existing = {e.key: e for e in LifeEvent.objects.prefetch_related("steps__service")}
    for record in catalogue.life_events:
        values = {
            "name_da": record.name_da,
            "name_en": record.name_en,
            "description_da": record.description_da,
            "position": record.position,
        }
        event = existing.pop(record.key, None)
        if event is None:
            event = LifeEvent.objects.create(key=record.key, **values)
            result.changes.append(f"livssituation {record.key}: ny")
        elif any(getattr(event, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(event, k, v)
            event.save()
            result.changes.append(f"livssituation {record.key}: ændret")
        wanted = [(i + 1, step.service, step.note) for i, step in enumerate(record.steps)]
        have = [(s.position, s.service.key, s.note) for s in event.steps.all()] if event.pk else []
        if wanted != have:
            event.steps.all().delete()
            LifeEventStep.objects.bulk_create(
                LifeEventStep(life_event=event, position=pos, service=services[key], note=note)
                for pos, key, note in wanted
            )
            result.changes.append(f"livssituation {record.key}: trin")
    for key, event in existing.items():
        event.delete()
        result.changes.append(f"livssituation {key}: fjernet")
