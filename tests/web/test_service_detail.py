"""The service detail page (/ydelser/<key>/): the holistic guidance panel."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from skranke.catalogue.models import Kind
from tests.factories import (
    FeeFactory,
    LifeEventStepFactory,
    ServiceFactory,
    ServiceOverrideFactory,
)
from tests.web.conftest import stand_at


def _passport(**fields):
    defaults = {
        "key": "passport-application",
        "kind": Kind.AUTHORITY,
        "name_da": "Pas",
        "authority": "Udbetaling Danmark og kommunen",
        "description_da": "Ansøg om nyt pas.",
        "documents": ["Gammelt pas"],
        "guidance_steps": ["Tag foto", "Tjek identitet"],
        "guidance_pitfalls": ["Navn skal matche CPR"],
        "legal_basis": ["Pasbekendtgørelsen"],
        "kle_number": "05.04.08",
        "borger_dk_url": "https://www.borger.dk/pas",
        "duration_minutes": 15,
        "duration_verified": False,
    }
    defaults.update(fields)
    return ServiceFactory(**defaults)


def test_service_page_shows_the_guidance(librarian_client):
    _passport()
    response = librarian_client.get(reverse("web:service", args=["passport-application"]))
    content = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Pas",
        "Myndighedsopgave",
        "Udbetaling Danmark og kommunen",
        "Ansøg om nyt pas.",
        "Gammelt pas",
        "Tag foto",
        "Navn skal matche CPR",
        "Pasbekendtgørelsen",
        "05.04.08",
        "https://www.borger.dk/pas",
        "15 minutter",
        "skøn",
    ]:
        assert text in content, text
    assert content.index("Tag foto") < content.index("Tjek identitet")


def test_only_the_fee_valid_today_is_shown_in_danish_number_format(librarian_client):
    service = _passport()
    today = timezone.localdate()
    FeeFactory(service=service, label="Voksne", amount=800, valid_from=today - dt.timedelta(days=400), source="Gammel")
    FeeFactory(service=service, label="Voksne", amount=893, valid_from=today - dt.timedelta(days=10), source="Ny")
    FeeFactory(service=service, label="Voksne", amount=999, valid_from=today + dt.timedelta(days=30), source="Senere")
    content = librarian_client.get(reverse("web:service", args=[service.key])).content.decode()
    assert "893,00 kr." in content
    assert "800,00 kr." not in content
    assert "999,00 kr." not in content
    assert "Kilde: Ny" in content


def test_unknown_and_unverified_fees_are_marked(librarian_client):
    service = _passport()
    FeeFactory(service=service, label="Børn", amount=None, verified=False)
    FeeFactory(service=service, label="Voksne", amount=1234.5, verified=True)
    content = librarian_client.get(reverse("web:service", args=[service.key])).content.decode()
    assert "Ukendt" in content
    assert "ikke bekræftet" in content
    assert "1.234,50 kr." in content


def test_municipal_notes_and_appointment_override_are_shown(librarian_client, municipality):
    service = _passport(needs_appointment=False)
    ServiceOverrideFactory(
        municipality=municipality,
        service=service,
        needs_appointment=True,
        fee_note="Betal med kort.",
        guidance_note="Akuttider kl. 9.",
    )
    content = librarian_client.get(reverse("web:service", args=[service.key])).content.decode()
    assert "Kræver tidsbestilling" in content
    assert "Bestemt af København" in content
    assert "Betal med kort." in content
    assert "Akuttider kl. 9." in content


def test_related_services_and_life_events_are_linked(librarian_client):
    service = _passport()
    other = ServiceFactory(key="passport-collection", name_da="Udlevering af pas", kind=Kind.AUTHORITY)
    service.related.add(other)
    step = LifeEventStepFactory(
        service=service, life_event__key="travel", life_event__name_da="Rejse", note="Søg i god tid"
    )
    content = librarian_client.get(reverse("web:service", args=[service.key])).content.decode()
    assert reverse("web:service", args=["passport-collection"]) in content
    assert "Udlevering af pas" in content
    assert reverse("web:life_event", args=[step.life_event.key]) in content
    assert "Søg i god tid" in content


def test_library_employee_without_authorisation_at_a_library_counter_is_told_to_refer(
    librarian_client, library_counter
):
    _passport()
    stand_at(librarian_client, library_counter)
    content = librarian_client.get(reverse("web:service", args=["passport-application"])).content.decode()
    assert (
        "Biblioteksmedarbejdere udfører ikke myndighedsopgaver i kommunen — "
        "henvis til en borgerservicemedarbejder." in content
    )
    assert "Du kan behandle den her" not in content


def test_library_employee_allowed_by_policy_but_without_authorisation_is_refused(
    librarian_client, library_counter, municipality
):
    service = _passport()
    municipality.library_staff_authority = True
    municipality.save()
    municipality.library_authority_services.add(service)
    stand_at(librarian_client, library_counter)
    content = librarian_client.get(reverse("web:service", args=[service.key])).content.decode()
    assert "Du har ikke bemyndigelse til Pas — henvis til en borgerservicemedarbejder." in content


def test_library_work_is_allowed_at_a_library_counter(librarian_client, library_counter):
    service = ServiceFactory(key="library-card", kind=Kind.LIBRARY, name_da="Lånerkort")
    stand_at(librarian_client, library_counter)
    content = librarian_client.get(reverse("web:service", args=[service.key])).content.decode()
    assert "Du kan behandle den her" in content


def test_without_a_counter_the_verdict_asks_you_to_choose_one(librarian_client):
    _passport()
    content = librarian_client.get(reverse("web:service", args=["passport-application"])).content.decode()
    assert "Vælg en skranke for at se, om du kan behandle ydelsen" in content


def test_unknown_service_key_gives_404(librarian_client):
    response = librarian_client.get(reverse("web:service", args=["no-such-service"]))
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


def test_retired_service_gives_404(librarian_client):
    ServiceFactory(key="old-service", retired=True)
    assert librarian_client.get(reverse("web:service", args=["old-service"])).status_code == 404
