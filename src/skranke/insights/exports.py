"""The insight tables as CSV and XLSX, and the contact counts in the shape of KL's KOMHEN counting.

Every table is counts, shares and times: no CPR number, no name, no contact
detail can be in them, because none of the queries behind them reads one.
CSV is written for Danish spreadsheets: semicolons, decimal commas, and a
byte-order mark so Excel reads the æøå right.
"""

import csv
import io
from dataclasses import dataclass

from django.db.models import Count

from skranke.contacts.models import ContactService
from skranke.insights.accuracy import estimate_accuracy
from skranke.insights.kpis import Period, kpis, wait_by_hour
from skranke.queues.models import Channel


@dataclass(frozen=True)
class Table:
    name: str  # the file name's stem
    title: str
    headers: list[str]
    rows: list[list[object]]


FIGURE_HEADERS = [
    "Henvendelser",
    "Ydelser behandlet",
    "Løst i første kontakt",
    "Henvist",
    "Opfølgning",
    "Ikke muligt",
    "Genhenvendelse inden 14 dage",
    "Ventetid median (sek.)",
    "Ventetid 90 % (sek.)",
    "Betjeningstid median (sek.)",
    "Kaldte numre",
    "Udeblevne",
    "Tilfredshed (1-5)",
    "Svar",
    "Myndighedsopgaver",
    "Heraf af bibliotekets personale",
]

DIMENSION_TITLES = {
    "area": "Område",
    "staff_group": "Personalegruppe",
    "channel": "Kanal",
    "service": "Ydelse",
    "site": "Sted",
}

# KOMHEN counts contacts by channel; a visit at the counter is a personal contact, with or without an appointment.
KOMHEN_CHANNEL = {
    Channel.WALK_IN: "Personlig henvendelse uden aftale",
    Channel.APPOINTMENT: "Personlig henvendelse med aftale",
}

TABLES = ("noegletal", "omraade", "personalegruppe", "kanal", "ydelse", "sted", "ventetid", "estimat", "komhen")


def table(name: str, *, municipality, period: Period, site=None) -> Table:
    """One of TABLES for the period; ValueError for an unknown name."""
    if name == "noegletal":
        return _figures("noegletal", "Nøgletal", None, municipality, period, site)
    by = {"omraade": "area", "personalegruppe": "staff_group", "kanal": "channel", "ydelse": "service", "sted": "site"}
    if name in by:
        dimension = by[name]
        return _figures(
            name, f"Nøgletal efter {DIMENSION_TITLES[dimension].lower()}", dimension, municipality, period, site
        )
    if name == "ventetid":
        hours = wait_by_hour(municipality=municipality, period=period, site=site)
        return Table(
            name,
            "Ventetid efter klokkeslæt",
            ["Time", "Henvendelser", "Ventetid median (sek.)", "Ventetid 90 % (sek.)"],
            [[f"{h.hour:02d}-{h.hour + 1:02d}", h.contacts, _round(h.wait_median), _round(h.wait_p90)] for h in hours],
        )
    if name == "estimat":
        return Table(
            name,
            "Ventetidsestimatets præcision",
            [
                "Sted",
                "Kø",
                "Betjente numre",
                "Gennemsnitlig ventetid (min.)",
                "Skrankes fejl, median (min.)",
                "Naivt estimats fejl, median (min.)",
            ],
            [
                [
                    a.queue.site.name,
                    a.queue.name,
                    a.tickets,
                    _round(a.mean_wait, 1),
                    _round(a.skranke_error, 1),
                    _round(a.naive_error, 1),
                ]
                for a in estimate_accuracy(municipality=municipality, period=period)
            ],
        )
    if name == "komhen":
        return komhen(municipality=municipality, period=period, site=site)
    raise ValueError(f"Unknown table: {name}")


def _figures(name, title, by, municipality, period, site) -> Table:
    rows = []
    for f in kpis(municipality=municipality, period=period, by=by, site=site):
        rows.append(
            ([f.label] if by else [])
            + [
                f.contacts,
                f.lines,
                _round(f.first_contact_resolution, 3),
                _round(f.referral_rate, 3),
                _round(f.follow_up_rate, 3),
                _round(f.not_possible_rate, 3),
                _round(f.recontact_rate, 3),
                _round(f.wait_median),
                _round(f.wait_p90),
                _round(f.service_median),
                f.tickets_called,
                f.no_shows,
                _round(f.satisfaction_mean, 2),
                f.answers,
                f.authority,
                f.authority_by_library,
            ]
        )
    headers = ([DIMENSION_TITLES[by]] if by else []) + FIGURE_HEADERS
    return Table(name, title, headers, rows)


def komhen(*, municipality, period: Period, site=None) -> Table:
    """Contacts by task (KLE number and service) and channel, as KL's KOMHEN counting weeks count them.

    One contact about two tasks counts once for each task, as KOMHEN counts
    henvendelser per opgave.
    """
    lines = ContactService.objects.filter(
        contact__site__municipality=municipality,
        contact__finished_at__gte=period.start,
        contact__finished_at__lt=period.end,
    )
    if site is not None:
        lines = lines.filter(contact__site=site)
    counted = (
        lines.values("service__kle_number", "service__name_da", "contact__channel")
        .annotate(n=Count("pk"))
        .order_by("service__kle_number", "service__name_da", "contact__channel")
    )
    return Table(
        "komhen",
        f"Henvendelser efter opgave og kanal, {period.first:%d.%m.%Y}-{period.last:%d.%m.%Y}",
        ["KLE-nummer", "Opgave", "Kanal", "Antal henvendelser"],
        [
            [
                row["service__kle_number"] or "",
                row["service__name_da"],
                KOMHEN_CHANNEL.get(row["contact__channel"], row["contact__channel"]),
                row["n"],
            ]
            for row in counted
        ],
    )


def _round(value, digits: int = 0):
    if value is None:
        return None
    return round(float(value), digits) if digits else round(float(value))


def as_csv(data: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(data.headers)
    for row in data.rows:
        writer.writerow(["" if v is None else (str(v).replace(".", ",") if isinstance(v, float) else v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(data: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = data.title[:31].replace("/", "-")
    sheet.append(data.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data.rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
