"""The citizen's access report: when and why their data were used, without staff names, and the report logged."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from skranke.privacy.cpr import citizen_hash, parse
from skranke.privacy.models import Action, AuditEntry
from skranke.privacy.services import audit_record
from tests.factories import MunicipalityFactory, StaffMemberFactory

URL = reverse("web:access_report")
CPR = "0101901238"
OTHER_CPR = "0202851238"
PURPOSE = "Borgerens anmodning om indsigt, sag 2026-1234"


def record(staff, cpr: str, purpose: str, *, action=Action.READ, client_address="10.1.2.3"):
    return audit_record(
        municipality=staff.municipality,
        action=action,
        actor=staff.user,
        citizen=parse(cpr),
        purpose=purpose,
        object_type="contacts.contact",
        object_id=1,
        client_address=client_address,
    )


def report(client, cpr: str = CPR, purpose: str = PURPOSE):
    return client.post(URL, {"cpr": cpr, "purpose": purpose})


def test_report_lists_dates_and_purposes_without_staff_names_or_addresses(manager_client, officer):
    first = record(officer, CPR, "Pas, sag 2026-5")
    record(officer, CPR, "Flytning registreret", action=Action.CHANGE)
    record(officer, OTHER_CPR, "En anden borgers sag")

    response = report(manager_client)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Oplysning om opslag i dine personoplysninger" in content
    assert "Pas, sag 2026-5" in content
    assert "Flytning registreret" in content
    assert "Læst" in content
    assert "Ændret" in content
    local = timezone.localtime(first.at)
    assert local.strftime("%d.%m.%Y") in content
    assert local.strftime("%H:%M") in content
    assert content.index("Pas, sag 2026-5") < content.index("Flytning registreret")
    assert "En anden borgers sag" not in content
    for staff_detail in ("Birgit", "Madsen", officer.user.username, "Mette", "leder-mette", "10.1.2.3", "127.0.0.1"):
        assert staff_detail not in content


def test_report_is_recorded_as_an_export_with_its_purpose(manager_client, manager, officer):
    record(officer, CPR, "Pas, sag 2026-5")
    report(manager_client)
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry.action == Action.EXPORT
    assert entry.purpose == PURPOSE
    assert entry.citizen == citizen_hash(parse(CPR))
    assert entry.actor == manager.user
    assert entry.municipality == manager.municipality
    assert entry.object_type == "privacy.accessreport"
    assert AuditEntry.objects.count() == 2


def test_printable_page_renders_with_municipality_masked_cpr_date_and_a_print_button(manager_client):
    response = report(manager_client)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Oplysning om opslag i dine personoplysninger – København</title>" in content
    assert "København" in content
    assert "010190-XXXX" in content
    assert timezone.localdate().strftime("%d.%m.%Y") in content
    assert "Denne oversigt er selv registreret i kommunens logning." in content
    assert "dkfds.min.css" in content
    # The print button calls window.print() from a static file (no inline script under the CSP), and is not printed.
    assert "Udskriv" in content
    assert "data-print" in content
    assert "web/print.js" in content
    assert "<script>" not in content
    assert 'class="skranke-report-actions d-print-none"' in content
    # A page to hand over: no staff menu.
    assert "Hovedmenu" not in content


def test_citizen_without_recorded_accesses_is_told_so(manager_client):
    content = report(manager_client).content.decode()
    assert "Der er ikke registreret nogen opslag i dine personoplysninger." in content
    assert AuditEntry.objects.filter(action=Action.EXPORT).count() == 1


def test_a_previous_report_shows_in_the_next_one(manager_client):
    report(manager_client)
    content = report(manager_client, purpose="Ny anmodning, sag 2026-2000").content.decode()
    assert PURPOSE in content
    assert "Udtrukket" in content


def test_another_municipalitys_uses_are_not_in_the_report(manager_client):
    aarhus_officer = StaffMemberFactory(municipality=MunicipalityFactory(code=751))
    record(aarhus_officer, CPR, "Sag i Aarhus")
    content = report(manager_client).content.decode()
    assert "Sag i Aarhus" not in content
    assert "Der er ikke registreret nogen opslag" in content


def test_the_cpr_number_is_in_neither_the_page_nor_the_trail(manager_client):
    response = report(manager_client, cpr="010190-1238")
    content = response.content.decode()
    assert "010190-XXXX" in content
    assert "0101901238" not in content
    assert "010190-1238" not in content
    for entry in AuditEntry.objects.all():
        stored = " ".join(str(getattr(entry, f.attname)) for f in AuditEntry._meta.concrete_fields)
        assert "0101901238" not in stored


def test_form_page_asks_for_cpr_and_purpose(manager_client):
    response = manager_client.get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Indsigt i logning" in content
    assert 'name="cpr"' in content
    assert 'name="purpose"' in content
    assert "csrfmiddlewaretoken" in content
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("cpr", "purpose", "message"),
    [
        ("abcdefghij", PURPOSE, "Et CPR-nummer består kun af cifre"),
        ("010190123", PURPOSE, "Et CPR-nummer har 10 cifre; der er 9"),
        ("3102901234", PURPOSE, "De første seks cifre i CPR-nummeret er ikke en rigtig dato"),
        ("0101505000", PURPOSE, "Fødselsdatoen i CPR-nummeret ligger i fremtiden"),
        ("", PURPOSE, "Skriv et CPR-nummer"),
        (CPR, "", "Skriv formålet, fx »Borgerens anmodning om indsigt"),
        (CPR, "Indsigt for 010190-1238", "Skriv ikke CPR-nummeret i formålet"),
    ],
)
def test_bad_input_gives_a_danish_message_and_records_nothing(manager_client, cpr, purpose, message):
    response = report(manager_client, cpr, purpose)
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert "Oplysning om opslag i dine personoplysninger" not in content
    assert AuditEntry.objects.count() == 0
    assert "0101901238" not in content


def test_staff_member_without_the_permission_gets_403_and_no_menu_link(officer_client):
    assert officer_client.get(URL).status_code == 403
    response = report(officer_client)
    assert response.status_code == 403
    assert "Du har ikke adgang" in response.content.decode()
    assert AuditEntry.objects.count() == 0
    assert f'href="{URL}"' not in officer_client.get(reverse("web:home")).content.decode()


def test_manager_reaches_the_report_from_the_log(manager_client):
    assert f'href="{URL}"' in manager_client.get(reverse("web:audit_log")).content.decode()


def test_staff_member_with_only_the_report_permission_gets_the_report_link_in_the_menu(client, officer):
    officer.user.user_permissions.add(Permission.objects.get(codename="citizen_access_report"))
    client.force_login(officer.user)
    content = client.get(reverse("web:home")).content.decode()
    assert f'href="{URL}"' in content
    assert f'href="{reverse("web:audit_log")}"' not in content
    assert client.get(URL).status_code == 200
    assert client.get(reverse("web:audit_log")).status_code == 403
