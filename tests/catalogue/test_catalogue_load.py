"""Loading the catalogue: the real data, idempotence, and refusing bad files whole."""

import datetime as dt
import textwrap
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from skranke.catalogue.loader import CatalogueInvalid, read_catalogue
from skranke.catalogue.models import CatalogueVersion, Fee, Kind, LifeEvent, Service
from skranke.catalogue.services import catalogue_load

pytestmark = pytest.mark.django_db


def service(key, kind="GUIDANCE", **extra):
    entry = {
        "key": key,
        "kind": kind,
        "name": {"da": f"Ydelse {key}", "en": f"Service {key}"},
        "authority": "Kommunen",
        "appointment": False,
        "duration_minutes": 10,
        "duration_verified": False,
        "description": "Kort beskrivelse.",
        "description_en": "Short description.",
        "guidance": {"steps": ["Gør det"], "pitfalls": [], "legal_basis": []},
        "search_words": ["ord"],
        "examples": ["jeg vil gerne"],
    }
    entry.update(extra)
    return entry


def write_catalogue(root, services=None, life_events=None, version="1"):
    (root / "services").mkdir(parents=True, exist_ok=True)
    (root / "catalogue.yaml").write_text(yaml.safe_dump({"version": version}))
    services = (
        services
        if services is not None
        else [
            service(
                "passport",
                "AUTHORITY",
                related=["library-card"],
                fees=[
                    {
                        "label": "Voksne",
                        "amount": 893,
                        "valid_from": dt.date(2024, 1, 1),
                        "verified": True,
                        "source": "BT",
                    },
                ],
            ),
            service("library-card", "LIBRARY"),
        ]
    )
    (root / "services" / "main.yaml").write_text(yaml.safe_dump({"services": services}, allow_unicode=True))
    life_events = (
        life_events
        if life_events is not None
        else [
            {
                "key": "travelling",
                "name": {"da": "Rejse", "en": "Travelling"},
                "description": "Ud at rejse.",
                "steps": [{"service": "passport", "note": "Husk pas"}],
            },
        ]
    )
    (root / "life_events.yaml").write_text(yaml.safe_dump({"life_events": life_events}, allow_unicode=True))
    return root


# The real catalogue shipped with Skranke.


def test_the_shipped_catalogue_has_at_least_60_services_of_all_three_kinds_and_12_life_events():
    catalogue = read_catalogue()
    kinds = {s.kind for s in catalogue.services}
    assert len(catalogue.services) >= 60
    assert kinds == {"LIBRARY", "GUIDANCE", "AUTHORITY"}
    for kind in kinds:
        assert sum(s.kind == kind for s in catalogue.services) >= 10, kind
    assert len(catalogue.life_events) >= 12


def test_the_shipped_catalogue_covers_the_borgerservice_tasks():
    keys = {s.key for s in read_catalogue().services}
    for key in [
        "passport-application",
        "passport-collection",
        "mitid-issuance",
        "general-guidance",
    ]:
        assert key in keys


def test_load_catalogue_twice_changes_nothing_the_second_time(capsys):
    call_command("load_catalogue")
    first = capsys.readouterr().out
    assert "indlæst" in first
    rows = (Service.objects.count(), Fee.objects.count(), LifeEvent.objects.count(), CatalogueVersion.objects.count())

    call_command("load_catalogue")
    second = capsys.readouterr().out
    assert "uændret" in second
    assert "Intet blev ændret" in second
    assert (
        Service.objects.count(),
        Fee.objects.count(),
        LifeEvent.objects.count(),
        CatalogueVersion.objects.count(),
    ) == rows


def test_every_fee_in_the_shipped_catalogue_has_a_date_and_a_source():
    catalogue_load()
    assert not Fee.objects.filter(source="").exists()
    assert not Fee.objects.filter(valid_from__isnull=True).exists()


# Small catalogues in a temporary folder.


def test_a_valid_catalogue_loads_services_fees_relations_and_life_events(tmp_path):
    result = catalogue_load(data_dir=write_catalogue(tmp_path))
    assert result.changed
    passport = Service.objects.get(key="passport")
    assert passport.kind == Kind.AUTHORITY
    assert [s.key for s in passport.related.all()] == ["library-card"]
    assert passport.fees.get().amount == Decimal("893.00")
    assert [s.service.key for s in LifeEvent.objects.get(key="travelling").steps.all()] == ["passport"]


def test_a_changed_fee_is_updated_and_reported(tmp_path):
    catalogue_load(data_dir=write_catalogue(tmp_path))
    services = [
        service(
            "passport",
            "AUTHORITY",
            fees=[
                {"label": "Voksne", "amount": 893, "valid_from": dt.date(2024, 1, 1), "verified": True, "source": "BT"},
                {
                    "label": "Voksne",
                    "amount": None,
                    "valid_from": dt.date(2025, 1, 1),
                    "verified": False,
                    "source": "ikke fundet",
                    "note": "Ukendt",
                },
            ],
        ),
        service("library-card", "LIBRARY"),
    ]
    result = catalogue_load(data_dir=write_catalogue(tmp_path, services=services, version="2"))
    assert any("gebyr 'Voksne' fra 2025-01-01" in change for change in result.changes)
    assert Fee.objects.filter(service__key="passport").count() == 2
    assert Fee.objects.get(valid_from=dt.date(2025, 1, 1)).amount is None


def test_a_service_removed_from_the_yaml_is_retired_not_deleted(tmp_path):
    catalogue_load(data_dir=write_catalogue(tmp_path))
    catalogue_load(data_dir=write_catalogue(tmp_path, services=[service("passport", "AUTHORITY")], version="2"))
    card = Service.objects.get(key="library-card")
    assert card.retired


def refused(tmp_path, **kwargs) -> str:
    root = write_catalogue(tmp_path, **kwargs)
    with pytest.raises(CatalogueInvalid) as error:
        catalogue_load(data_dir=root)
    assert Service.objects.count() == 0, "nothing may be loaded from a bad catalogue"
    return str(error.value)


def test_an_unknown_kind_is_refused_naming_file_service_and_field(tmp_path):
    message = refused(tmp_path, services=[service("passport", "OFFICIAL")])
    assert "services/main.yaml: ydelse 'passport', felt 'kind': ukendt type 'OFFICIAL'" in message


def test_a_duplicate_key_is_refused(tmp_path):
    message = refused(
        tmp_path,
        services=[service("passport"), service("passport")],
        life_events=[
            {"key": "x", "name": {"da": "X", "en": "X"}, "description": "X", "steps": [{"service": "passport"}]},
        ],
    )
    assert "ydelse 'passport', felt 'key': nøglen findes også i services/main.yaml" in message


def test_a_fee_without_a_date_is_refused(tmp_path):
    fees = [{"label": "Voksne", "amount": 100, "verified": True, "source": "x"}]
    message = refused(tmp_path, services=[service("passport", fees=fees)], life_events=[])
    assert "ydelse 'passport', felt 'fees[0]', felt 'valid_from': mangler" in message


def test_a_related_service_that_does_not_exist_is_refused(tmp_path):
    message = refused(tmp_path, services=[service("passport", related=["visa"])], life_events=[])
    assert "ydelse 'passport', felt 'related': ydelsen 'visa' findes ikke" in message


def test_a_life_event_step_that_does_not_exist_is_refused(tmp_path):
    events = [
        {
            "key": "moving",
            "name": {"da": "Flytning", "en": "Moving"},
            "description": "x",
            "steps": [{"service": "address-change"}],
        }
    ]
    message = refused(tmp_path, services=[service("passport")], life_events=events)
    assert "life_events.yaml: livssituation 'moving', felt 'steps[0].service': ydelsen 'address-change'" in message


def test_a_yaml_syntax_error_is_refused_with_file_and_line(tmp_path):
    root = write_catalogue(tmp_path)
    (root / "services" / "broken.yaml").write_text(
        textwrap.dedent("""\
        services:
          - key: passport
            name: {da: "Pas", en: "Passport"
    """)
    )
    with pytest.raises(CatalogueInvalid) as error:
        catalogue_load(data_dir=root)
    assert "services/broken.yaml: YAML-syntaksfejl (linje" in str(error.value)
    assert Service.objects.count() == 0


def test_several_problems_are_all_reported_at_once(tmp_path):
    message = refused(tmp_path, services=[service("a", "X"), service("b", related=["nope"])], life_events=[])
    assert "'a', felt 'kind'" in message
    assert "'b', felt 'related'" in message


def test_a_bad_amount_is_refused(tmp_path):
    fees = [{"label": "Voksne", "amount": "gratis", "valid_from": dt.date(2024, 1, 1), "verified": True, "source": "x"}]
    message = refused(tmp_path, services=[service("passport", fees=fees)], life_events=[])
    assert "felt 'amount': skal være et beløb i kroner" in message


def test_the_command_refuses_a_bad_catalogue_with_a_danish_message(tmp_path):
    root = write_catalogue(tmp_path, services=[service("passport", "OFFICIAL")], life_events=[])
    with pytest.raises(CommandError, match="Kataloget blev ikke indlæst"):
        call_command("load_catalogue", data_dir=root)
    assert Service.objects.count() == 0
