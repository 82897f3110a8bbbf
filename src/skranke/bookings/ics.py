"""An appointment as an iCalendar file (RFC 5545) for the citizen's own calendar.

Times are written in Europe/Copenhagen with the VTIMEZONE the file needs, so a
calendar shows 10:30 as 10:30 in winter and summer alike. The UID is the
booking code, so a moved appointment replaces the old entry (SEQUENCE counts up)
and a cancelled one removes it (METHOD:CANCEL, STATUS:CANCELLED).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from skranke.catalogue.models import localized

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
PRODID = "-//Skranke//Tidsbestilling//DA"


def appointment_ics(appointment, *, manage_url: str = "", cancelled: bool = False, sequence: int = 0) -> bytes:
    """The .ics of one appointment, in the appointment's language.

    `manage_url`: the citizen's link to cancel or move it. `sequence`: how many
    times it was moved, so calendars replace the old time.
    """
    with translation.override(appointment.language):
        services = [line.service for line in appointment.appointment_services.all()]
        names = ", ".join(localized(s, "name") for s in services)
        site = appointment.site
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
        event = Event()
        event.add("uid", f"{appointment.code}@skranke")
        event.add("dtstamp", timezone.now().astimezone(dt.UTC))
        event.add("dtstart", appointment.starts_at.astimezone(COPENHAGEN))
        event.add("dtend", appointment.ends_at.astimezone(COPENHAGEN))
        event.add("sequence", sequence)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("summary", _("%(site)s: %(services)s") % {"site": site.name, "services": names})
        address = ", ".join(part for part in (site.street, f"{site.postcode} {site.city}".strip()) if part)
        event.add("location", f"{site.name}, {address}" if address else site.name)
        event.add("description", description(appointment, services, manage_url=manage_url))
        if not cancelled:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _("Tid hos %(site)s") % {"site": site.name})
            alarm.add("trigger", dt.timedelta(hours=-2))
            event.add_component(alarm)
        calendar.add_component(event)
        calendar.add_missing_timezones()
        return calendar.to_ical()


def description(appointment, services, *, manage_url: str = "") -> str:
    """The plain text shared by the .ics and the e-mails: code, what to bring, how to change it."""
    lines = [_("Bookingkode: %(code)s") % {"code": appointment.code}, ""]
    documents = [document for service in services for document in service.documents]
    if documents:
        lines.append(_("Husk at medbringe:"))
        lines += [f"- {document}" for document in dict.fromkeys(documents)]
        lines.append("")
    lines.append(_("Tjek ind ved standeren med bookingkoden eller QR-koden, når du kommer."))
    if manage_url:
        lines += ["", _("Aflys eller flyt tiden: %(url)s") % {"url": manage_url}]
    return "\n".join(lines)
