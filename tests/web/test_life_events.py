"""Life events: the list and the ordered checklist of services."""

from django.urls import reverse

from skranke.catalogue.models import Kind
from tests.factories import LifeEventFactory, LifeEventStepFactory, ServiceFactory
from tests.web.conftest import stand_at


def _moving():
    event = LifeEventFactory(key="moving", name_da="Flytning", description_da="Når borgeren flytter.")
    LifeEventStepFactory(
        life_event=event,
        position=2,
        service=ServiceFactory(key="library-address", kind=Kind.LIBRARY, name_da="Ny adresse på lånerkort"),
        note="Husk biblioteket",
    )
    LifeEventStepFactory(
        life_event=event,
        position=1,
        service=ServiceFactory(key="change-of-address", kind=Kind.AUTHORITY, name_da="Flytning i CPR"),
        note="Senest 5 dage efter",
    )
    return event


def test_life_event_list_links_each_life_event(librarian_client):
    _moving()
    response = librarian_client.get(reverse("web:life_events"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Flytning" in content
    assert reverse("web:life_event", args=["moving"]) in content
    assert "2 ydelser" in content


def test_life_event_checklist_lists_services_in_order_with_notes_and_kinds(librarian_client):
    _moving()
    response = librarian_client.get(reverse("web:life_event", args=["moving"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("Flytning i CPR") < content.index("Ny adresse på lånerkort")
    assert "Senest 5 dage efter" in content
    assert reverse("web:service", args=["change-of-address"]) in content
    assert 'class="kind-badge kind-authority"' in content
    assert 'class="kind-badge kind-library"' in content


def test_life_event_checklist_shows_the_verdict_at_your_counter(librarian_client, library_counter):
    _moving()
    stand_at(librarian_client, library_counter)
    content = librarian_client.get(reverse("web:life_event", args=["moving"])).content.decode()
    assert "Du kan behandle den her" in content
    assert "Biblioteksmedarbejdere udfører ikke myndighedsopgaver" in content


def test_unknown_life_event_gives_404(librarian_client):
    assert librarian_client.get(reverse("web:life_event", args=["no-such-event"])).status_code == 404
