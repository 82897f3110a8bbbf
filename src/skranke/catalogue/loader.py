"""Read and validate the catalogue YAML into plain records (no database).

Every problem is reported with the file, the service or life event and the
field, and all problems are collected before anything is loaded.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
KINDS = ("LIBRARY", "GUIDANCE", "AUTHORITY")
KEY_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class CatalogueInvalid(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class FeeRecord:
    label: str
    amount: Decimal | None
    valid_from: dt.date
    age_min: int | None
    age_max: int | None
    verified: bool
    source: str
    note: str


@dataclass
class ServiceRecord:
    key: str
    kind: str
    name_da: str
    name_en: str
    authority: str
    kle_number: str
    kle_verified: bool
    needs_appointment: bool
    duration_minutes: int
    duration_verified: bool
    description_da: str
    description_en: str
    borger_dk_url: str
    documents: list[str]
    guidance_steps: list[str]
    guidance_pitfalls: list[str]
    legal_basis: list[str]
    search_words: list[str]
    examples: list[str]
    related: list[str]
    retired: bool
    position: int
    fees: list[FeeRecord] = field(default_factory=list)
    source_file: str = ""


@dataclass
class StepRecord:
    service: str
    note: str


@dataclass
class LifeEventRecord:
    key: str
    name_da: str
    name_en: str
    description_da: str
    position: int
    steps: list[StepRecord]


@dataclass
class Catalogue:
    version: str
    checksum: str
    services: list[ServiceRecord]
    life_events: list[LifeEventRecord]


class _Reader:
    """Pulls typed fields out of one YAML mapping, noting problems instead of raising."""

    def __init__(self, problems: list[str], where: str, data):
        self.problems = problems
        self.where = where
        self.data = data if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            self.problem("", "skal være en mapping (nøgle: værdi)")

    def problem(self, name: str, text: str) -> None:
        place = f"{self.where}, felt '{name}'" if name else self.where
        self.problems.append(f"{place}: {text}")

    def text(self, name: str, *, required: bool = True) -> str:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(name, "mangler")
            return ""
        if not isinstance(value, str | int | float):
            self.problem(name, "skal være tekst")
            return ""
        return str(value).strip()

    def boolean(self, name: str, *, required: bool = True, default: bool = False) -> bool:
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "mangler (true eller false)")
            return default
        if not isinstance(value, bool):
            self.problem(name, f"skal være true eller false, ikke {value!r}")
            return default
        return value

    def integer(self, name: str, *, required: bool = True, minimum: int = 0) -> int | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "mangler")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(name, f"skal være et helt tal på mindst {minimum}, ikke {value!r}")
            return None
        return value

    def strings(self, name: str) -> list[str]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(name, "skal være en liste af tekster")
            return []
        return [v.strip() for v in value]

    def names(self) -> tuple[str, str]:
        value = self.data.get("name")
        if not isinstance(value, dict):
            self.problem("name", "mangler (name: {da: ..., en: ...})")
            return "", ""
        sub = _Reader(self.problems, f"{self.where}, felt 'name'", value)
        return sub.text("da"), sub.text("en")


def _load_yaml(path: Path, problems: list[str], top: str, rel: str) -> list:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark else ""
        problems.append(f"{rel}: YAML-syntaksfejl{at}: {getattr(error, 'problem', error)}")
        return []
    if not isinstance(document, dict) or not isinstance(document.get(top), list):
        problems.append(f"{rel}: skal have en liste under '{top}:'")
        return []
    return document[top]


def _fee(reader: _Reader, problems: list[str], where: str, data) -> FeeRecord | None:
    r = _Reader(problems, where, data)
    if not isinstance(data, dict):
        return None
    amount = None
    raw = data.get("amount", "missing")
    if raw == "missing":
        r.problem("amount", "mangler (et beløb, eller null når det er ukendt)")
    elif raw is not None:
        try:
            if isinstance(raw, bool):
                raise InvalidOperation
            amount = Decimal(str(raw))
            if amount < 0 or amount.as_tuple().exponent < -2:
                raise InvalidOperation
        except InvalidOperation:
            r.problem("amount", f"skal være et beløb i kroner med højst to decimaler, ikke {raw!r}")
    valid_from = data.get("valid_from")
    if valid_from is None:
        r.problem("valid_from", "mangler: et gebyr skal have en dato, det gælder fra")
    elif not isinstance(valid_from, dt.date) or isinstance(valid_from, dt.datetime):
        r.problem("valid_from", f"skal være en dato (ÅÅÅÅ-MM-DD), ikke {valid_from!r}")
        valid_from = None
    age_min = r.integer("age_min", required=False)
    age_max = r.integer("age_max", required=False)
    if age_min is not None and age_max is not None and age_max < age_min:
        r.problem("age_max", "ligger under age_min")
    fee = FeeRecord(
        label=r.text("label"),
        amount=amount,
        valid_from=valid_from,
        age_min=age_min,
        age_max=age_max,
        verified=r.boolean("verified"),
        source=r.text("source"),
        note=r.text("note", required=False),
    )
    return fee if valid_from else None


def _service(problems: list[str], rel: str, index: int, data, position: int) -> ServiceRecord | None:
    key = data.get("key") if isinstance(data, dict) else None
    where = f"{rel}: ydelse '{key}'" if key else f"{rel}: ydelse nr. {index + 1}"
    r = _Reader(problems, where, data)
    if not isinstance(data, dict):
        return None
    if not isinstance(key, str) or not KEY_RE.match(key):
        r.problem("key", f"skal være små bogstaver, tal og bindestreg, ikke {key!r}")
    kind = data.get("kind")
    if kind not in KINDS:
        r.problem("kind", f"ukendt type {kind!r}; brug en af {', '.join(KINDS)}")
    name_da, name_en = r.names()
    kle = data.get("kle") or {}
    kle_reader = _Reader(problems, f"{where}, felt 'kle'", kle)
    guidance = _Reader(problems, f"{where}, felt 'guidance'", data.get("guidance"))
    url = r.text("borger_dk_url", required=False)
    if url and not url.startswith("https://"):
        r.problem("borger_dk_url", "skal begynde med https://")
    fees = []
    raw_fees = data.get("fees") or []
    if not isinstance(raw_fees, list):
        r.problem("fees", "skal være en liste")
        raw_fees = []
    seen = set()
    for i, raw in enumerate(raw_fees):
        fee = _fee(r, problems, f"{where}, felt 'fees[{i}]'", raw)
        if fee is not None:
            if (fee.label, fee.valid_from) in seen:
                r.problem(f"fees[{i}]", f"to gebyrer for '{fee.label}' fra {fee.valid_from}")
            seen.add((fee.label, fee.valid_from))
            fees.append(fee)
    duration = r.integer("duration_minutes", minimum=1)
    return ServiceRecord(
        key=key if isinstance(key, str) else "",
        kind=kind if kind in KINDS else "",
        name_da=name_da,
        name_en=name_en,
        authority=r.text("authority"),
        kle_number=kle_reader.text("number", required=False) if kle else "",
        kle_verified=kle_reader.boolean("verified") if kle else False,
        needs_appointment=r.boolean("appointment"),
        duration_minutes=duration or 1,
        duration_verified=r.boolean("duration_verified"),
        description_da=r.text("description"),
        description_en=r.text("description_en"),
        borger_dk_url=url,
        documents=r.strings("documents"),
        guidance_steps=guidance.strings("steps"),
        guidance_pitfalls=guidance.strings("pitfalls"),
        legal_basis=guidance.strings("legal_basis"),
        search_words=r.strings("search_words"),
        examples=r.strings("examples"),
        related=r.strings("related"),
        retired=r.boolean("retired", required=False),
        position=position,
        fees=fees,
        source_file=rel,
    )


def _life_event(problems: list[str], rel: str, index: int, data, position: int) -> LifeEventRecord | None:
    key = data.get("key") if isinstance(data, dict) else None
    where = f"{rel}: livssituation '{key}'" if key else f"{rel}: livssituation nr. {index + 1}"
    r = _Reader(problems, where, data)
    if not isinstance(data, dict):
        return None
    if not isinstance(key, str) or not KEY_RE.match(key):
        r.problem("key", f"skal være små bogstaver, tal og bindestreg, ikke {key!r}")
    name_da, name_en = r.names()
    steps = []
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        r.problem("steps", "skal være en liste med mindst ét trin")
        raw_steps = []
    for i, raw in enumerate(raw_steps):
        s = _Reader(problems, f"{where}, felt 'steps[{i}]'", raw)
        steps.append(StepRecord(service=s.text("service"), note=s.text("note", required=False)))
    return LifeEventRecord(
        key=key if isinstance(key, str) else "",
        name_da=name_da,
        name_en=name_en,
        description_da=r.text("description"),
        position=position,
        steps=steps,
    )


def read_catalogue(data_dir: Path = DATA_DIR) -> Catalogue:
    """Parse and cross-check every file; raise CatalogueInvalid listing all problems."""
    problems: list[str] = []
    digest = hashlib.sha256()
    files = [
        data_dir / "catalogue.yaml",
        *sorted((data_dir / "services").glob("*.yaml")),
        data_dir / "life_events.yaml",
    ]
    for path in files:
        if not path.exists():
            problems.append(f"{path.relative_to(data_dir)}: filen mangler")
    if problems:
        raise CatalogueInvalid(problems)
    for path in files:
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(path.read_bytes())

    version = ""
    try:
        meta = yaml.safe_load((data_dir / "catalogue.yaml").read_text(encoding="utf-8"))
        version = str(meta.get("version", "")).strip() if isinstance(meta, dict) else ""
        if not version:
            problems.append("catalogue.yaml: felt 'version' mangler")
    except yaml.YAMLError as error:
        problems.append(f"catalogue.yaml: YAML-syntaksfejl: {error}")

    services: list[ServiceRecord] = []
    for path in files[1:-1]:
        rel = path.relative_to(data_dir).as_posix()
        for i, raw in enumerate(_load_yaml(path, problems, "services", rel)):
            record = _service(problems, rel, i, raw, position=len(services))
            if record is not None:
                services.append(record)

    life_events: list[LifeEventRecord] = []
    rel = "life_events.yaml"
    for i, raw in enumerate(_load_yaml(data_dir / rel, problems, "life_events", rel)):
        record = _life_event(problems, rel, i, raw, position=len(life_events))
        if record is not None:
            life_events.append(record)

    by_key: dict[str, ServiceRecord] = {}
    for service in services:
        if service.key and service.key in by_key:
            problems.append(
                f"{service.source_file}: ydelse '{service.key}', felt 'key': nøglen findes også i "
                f"{by_key[service.key].source_file}"
            )
        by_key.setdefault(service.key, service)
    for service in services:
        for other in service.related:
            if other not in by_key:
                problems.append(
                    f"{service.source_file}: ydelse '{service.key}', felt 'related': ydelsen '{other}' findes ikke"
                )
            elif other == service.key:
                problems.append(f"{service.source_file}: ydelse '{service.key}', felt 'related': peger på sig selv")
    event_keys = set()
    for event in life_events:
        if event.key in event_keys:
            problems.append(f"{rel}: livssituation '{event.key}', felt 'key': nøglen er brugt to gange")
        event_keys.add(event.key)
        for i, step in enumerate(event.steps):
            if step.service and step.service not in by_key:
                problems.append(
                    f"{rel}: livssituation '{event.key}', felt 'steps[{i}].service': "
                    f"ydelsen '{step.service}' findes ikke"
                )

    if problems:
        raise CatalogueInvalid(problems)
    return Catalogue(version=version, checksum=digest.hexdigest(), services=services, life_events=life_events)
