"""A walk-in and a booking from start to end, purely through the API, as the integrations would drive them."""

from tests.api.world import Place


def test_a_ticket_goes_from_the_kiosk_through_the_counter_to_a_recorded_contact(place: Place):
    kiosk, staff, citizen = place.client("kiosk"), place.client("staff"), place.client()
    site = place.site.pk

    issued = kiosk.post(f"/api/v1/sites/{site}/tickets/", {"services": ["passport-application"]})
    assert issued.status_code == 201, issued.content
    ticket = issued.json()["tickets"][0]
    assert citizen.get(f"/api/v1/sites/{site}/queues/").json()[0]["waiting"] == 1

    (counter,) = [c for c in staff.get("/api/v1/staff/counters/").json() if c["area"] == "CITIZEN_SERVICE"]
    called = staff.post(f"/api/v1/staff/counters/{counter['id']}/call-next/").json()["ticket"]
    assert called["label"] == ticket["label"] == "B 001"
    assert citizen.get(f"/api/v1/tickets/{ticket['token']}/").json()["counter"] == counter["name"]
    board = citizen.get(f"/api/v1/sites/{site}/display/").json()
    assert [c["ticket"] for a in board["areas"] for c in a["calls"]] == ["B 001"]

    assert staff.post(f"/api/v1/staff/tickets/{called['id']}/start/").json()["status"] == "SERVING"
    finished = staff.post(
        f"/api/v1/staff/tickets/{called['id']}/finish/",
        {"lines": [{"service": "passport-application", "outcome": "RESOLVED"}], "cpr": "070761-4285"},
    )
    assert finished.status_code == 201, finished.content
    assert finished.json()["lines"] == [{"service": "passport-application", "outcome": "RESOLVED", "referred_to": ""}]
    assert citizen.get(f"/api/v1/tickets/{ticket['token']}/").json()["status"] == "DONE"
    assert citizen.get(f"/api/v1/sites/{site}/queues/").json()[0]["waiting"] == 0

    found = staff.post("/api/v1/staff/contacts/search/", {"cpr": "0707614285", "purpose": "Opfølgning på pas"})
    assert [c["id"] for c in found.json()] == [finished.json()["id"]]


def test_a_citizen_books_a_time_and_cancels_it(place: Place):
    citizen = place.client()
    (offer,) = citizen.get("/api/v1/municipalities/265/bookable-services/").json()
    slots_url = f"/api/v1/municipalities/265/slots/?service={offer['service']}&site={offer['site']}"

    def free() -> list[str]:
        return [s["starts_at"] for s in citizen.get(slots_url).json()]

    start = free()[0]
    tokens = []
    # Borgerservice has two lanes: the time stays free until both are booked.
    for phone in ("+45 12 34 56 78", "87654321"):
        booked = citizen.post(
            "/api/v1/municipalities/265/appointments/",
            {
                "services": [offer["service"]],
                "site": offer["site"],
                "start": start,
                "name": "Bo Borger",
                "phone": phone,
            },
        )
        assert booked.status_code == 201, booked.content
        tokens.append(booked.json()["token"])
    assert start not in free()

    cancelled = citizen.post(f"/api/v1/appointments/{tokens[0]}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "CANCELLED"
    assert citizen.get(f"/api/v1/appointments/{tokens[0]}/").json()["status"] == "CANCELLED"
    assert start in free()
