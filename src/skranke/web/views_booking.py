"""Online booking: the citizen's pages (no login) and the staff's day of appointments.

The citizen's way through: services → place, day and time → name and e-mail
and/or phone → check and confirm → the confirmation with the .ics, the
booking code and its QR code, and a link to cancel or move (a signed token).
No CPR number is asked for anywhere (data minimisation).

Every choice travels in the query string (services as `ydelse`, the place as
`sted`, the time as `start`), so a step can be reloaded, bookmarked or gone
back to; nothing is booked until the confirm button posts. A refusal (a time
taken meanwhile, a closed day, a tampered link) becomes a plain Danish
message and books nothing.
"""

import datetime as dt
from itertools import groupby

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skranke.bookings.ics import appointment_ics
from skranke.bookings.models import Channel, Language
from skranke.bookings.selectors import bookable_services, free_slots
from skranke.bookings.services import (
    SlotTaken,
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointment_from_token,
    appointment_mark_no_show,
    appointment_reschedule,
    appointment_token,
    appointments_day_read,
    clean_contact,
)
from skranke.bookings.waitlist import waitlist_accept, waitlist_from_token, waitlist_join
from skranke.catalogue.models import Service
from skranke.errors import SkrankeError
from skranke.organisation.models import Municipality, Site
from skranke.privacy.services import client_address
from skranke.web.qr import qr_svg
from skranke.web.views import staff_required

MAX_SERVICES = 4
DAYS_SHOWN = 7


# -- what the query string carries --------------------------------------------------------------


def _municipality(code: int) -> Municipality:
    return get_object_or_404(Municipality, code=code)


def _chosen(request, municipality) -> tuple[list[Service], list]:
    """The services asked for (`ydelse`, in order) among those bookable, and all the bookable offers."""
    offers = bookable_services(municipality=municipality)
    by_key = {o.service.key: o.service for o in offers}
    keys = list(dict.fromkeys(request.GET.getlist("ydelse")))[:MAX_SERVICES]
    return [by_key[k] for k in keys if k in by_key], offers


def _site_of(municipality, raw) -> Site | None:
    if not raw:
        return None
    try:
        return Site.objects.get(pk=int(raw), municipality=municipality, active=True)
    except (ValueError, Site.DoesNotExist):
        return None


def _start(raw: str) -> dt.datetime | None:
    """A local time as the times page writes it (2026-12-03T10:30), aware in Copenhagen time."""
    try:
        moment = dt.datetime.fromisoformat(raw or "")
    except ValueError:
        return None
    if timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _day(raw: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return default


def _query(services, **more) -> str:
    pairs = [("ydelse", s.key) for s in services] + [(k, v) for k, v in more.items() if v not in (None, "")]
    return urlencode(pairs)


def _times_by_day(slots) -> list[dict]:
    """Free times grouped by local day, then by place: what the times page lists."""
    days = []
    for day, of_day in groupby(slots, key=lambda s: s.local_start.date()):
        places = {}
        for slot in of_day:
            places.setdefault(slot.site, []).append(slot)
        days.append(
            {
                "day": day,
                "count": sum(len(found) for found in places.values()),
                "places": [{"site": site, "slots": found} for site, found in places.items()],
            }
        )
    return days


# -- the citizen's pages ------------------------------------------------------------------------


@require_GET
def booking_start(request, code: int):
    """Step 1: what the citizen needs a time for."""
    municipality = _municipality(code)
    chosen, offers = _chosen(request, municipality)
    services = list({o.service.pk: o.service for o in offers}.values())
    return render(
        request,
        "web/booking/start.html",
        {"municipality": municipality, "services": services, "chosen": {s.key for s in chosen}},
    )


@require_GET
def booking_times(request, code: int):
    """Step 2: place, day and time; a week at a time. With `flyt`, the times to move a booking to."""
    municipality = _municipality(code)
    moving = None
    if request.GET.get("flyt"):
        moving = _appointment_or_message(request, request.GET["flyt"])
        if moving is None:
            return redirect("web:booking_start", code=code)
        chosen = [line.service for line in moving.appointment_services.select_related("service")]
        offers = bookable_services(municipality=municipality)
    else:
        chosen, offers = _chosen(request, municipality)
    if not chosen:
        messages.error(request, _("Vælg mindst én ting, du vil bestille tid til."))
        return redirect("web:booking_start", code=code)
    site = _site_of(municipality, request.GET.get("sted"))
    today = timezone.localdate()
    first = max(_day(request.GET.get("fra"), today), today)
    context = {
        "municipality": municipality,
        "chosen": chosen,
        "site": site,
        "first": first,
        "moving": moving,
        "flyt": request.GET.get("flyt", ""),
    }
    try:
        slots = free_slots(municipality=municipality, services=chosen, site=site, start=first, weeks=1, exclude=moving)
        context["sites"] = sorted({o.setup.site for o in offers}, key=str)
    except SkrankeError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('web:booking_start', kwargs={'code': code})}?{_query(chosen)}")
    context["days"] = _times_by_day(slots)
    context["earlier"] = (
        _query(
            chosen, sted=site and site.pk, fra=(first - dt.timedelta(days=DAYS_SHOWN)).isoformat(), flyt=context["flyt"]
        )
        if first > today
        else ""
    )
    context["later"] = _query(
        chosen, sted=site and site.pk, fra=(first + dt.timedelta(days=DAYS_SHOWN)).isoformat(), flyt=context["flyt"]
    )
    context["base"] = _query(chosen, flyt=context["flyt"])
    return render(request, "web/booking/times.html", context)


class ContactForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Navn"), max_length=150)
    email = forms.CharField(
        label=gettext_lazy("E-mail"),
        max_length=254,
        required=False,
        help_text=gettext_lazy("Så får du en bekræftelse og en påmindelse."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobilnummer"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("Så får du en påmindelse på sms. 8 cifre."),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["name"], data["email"], data["phone"] = clean_contact(
                name=data.get("name", ""), email=data.get("email", ""), phone=data.get("phone", "")
            )
        except SkrankeError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


class StaffContactForm(ContactForm):
    channel = forms.ChoiceField(
        label=gettext_lazy("Borgeren bestiller"),
        choices=[(Channel.COUNTER, gettext_lazy("ved skranken")), (Channel.PHONE, gettext_lazy("i telefonen"))],
        widget=forms.RadioSelect,
        initial=Channel.COUNTER,
    )


def _booking_context(request, municipality, *, staff=None):
    """The services, place and time a details page is for, or a message and None."""
    chosen, _offers = _chosen(request, municipality)
    site = _site_of(municipality, request.GET.get("sted"))
    start = _start(request.GET.get("start"))
    if not chosen or site is None or start is None:
        messages.error(request, _("Vælg ydelse, sted og tid igen."))
        return None
    return {"municipality": municipality, "chosen": chosen, "site": site, "start": start, "staff": staff}


@require_http_methods(["GET", "POST"])
def booking_details(request, code: int):
    """Step 3 and 4: who the citizen is (name, and e-mail and/or phone), then a last look before booking."""
    municipality = _municipality(code)
    return _details(request, municipality, ContactForm, back=reverse("web:booking_times", kwargs={"code": code}))


def _details(request, municipality, form_class, *, back: str, staff=None):
    context = _booking_context(request, municipality, staff=staff)
    if context is None:
        return redirect(f"{back}?{_query(_chosen(request, municipality)[0])}")
    context["back"] = f"{back}?{_query(context['chosen'], sted=context['site'].pk)}"
    form = form_class(request.POST or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        if request.POST.get("step") != "confirm":
            context["review"] = True
            return render(request, "web/booking/details.html", context)
        try:
            appointment = appointment_book(
                services=context["chosen"],
                site=context["site"],
                start=context["start"],
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                language=Language.ENGLISH if (get_language() or "da").startswith("en") else Language.DANISH,
                channel=form.cleaned_data.get("channel", Channel.ONLINE),
                booked_by=staff.user if staff else None,
                client_address=client_address(request),
            )
        except SlotTaken as error:
            context["taken"] = error
            context["alternatives"] = error.alternatives
            return render(request, "web/booking/details.html", context, status=409)
        except SkrankeError as error:
            messages.error(request, error.message)
            return render(request, "web/booking/details.html", context, status=400)
        if staff is not None:
            messages.success(
                request,
                _("Tiden er bestilt til %(name)s. Bookingkode: %(code)s.")
                % {"name": appointment.name, "code": appointment.code},
            )
            day = timezone.localdate(appointment.starts_at).isoformat()
            return redirect(f"{reverse('web:appointments')}?{urlencode({'sted': appointment.site_id, 'dag': day})}")
        return redirect("web:booking_confirmed", token=appointment_token(appointment))
    return render(request, "web/booking/details.html", context, status=400 if request.method == "POST" else 200)


def _appointment_or_message(request, token):
    try:
        return appointment_from_token(token)
    except SkrankeError as error:
        messages.error(request, error.message)
        return None


def _appointment_page(request, token, template, **extra):
    appointment = _appointment_or_message(request, token)
    if appointment is None:
        return render(request, "web/booking/link_failed.html", status=404)
    services = [line.service for line in appointment.appointment_services.select_related("service")]
    context = {
        "appointment": appointment,
        "services": services,
        "documents": list(dict.fromkeys(d for s in services for d in s.documents)),
        "municipality": appointment.site.municipality,
        "site": appointment.site,
        "token": token,
        "qr": qr_svg(appointment.code, scale=5),
        **extra,
    }
    return render(request, template, context)


@require_GET
def booking_confirmed(request, token: str):
    """Step 5: the booking, with the .ics, the code and its QR code, and the links to change it."""
    return _appointment_page(request, token, "web/booking/confirmed.html")


@require_GET
def booking_ics(request, token: str):
    appointment = _appointment_or_message(request, token)
    if appointment is None:
        raise Http404
    manage = request.build_absolute_uri(reverse("web:booking_manage", kwargs={"token": token}))
    response = HttpResponse(
        appointment_ics(appointment, manage_url=manage), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="tid-{appointment.code}.ics"'
    return response


@require_http_methods(["GET", "POST"])
def booking_manage(request, token: str):
    """The citizen's link: see the booking, cancel it, or go on to move it."""
    if request.method == "POST":
        appointment = _appointment_or_message(request, token)
        if appointment is None:
            return render(request, "web/booking/link_failed.html", status=404)
        try:
            appointment_cancel(appointment=appointment, client_address=client_address(request))
        except SkrankeError as error:
            messages.error(request, error.message)
            return redirect("web:booking_manage", token=token)
        messages.success(request, _("Din tid er aflyst. Tak, fordi du gav besked – nu kan en anden få den."))
        return redirect(f"{reverse('web:booking_start', kwargs={'code': appointment.site.municipality.code})}")
    return _appointment_page(request, token, "web/booking/manage.html")


@require_http_methods(["GET", "POST"])
def booking_move(request, token: str):
    """Moving: a last look at the new time, then the move (the old time is freed only with the new one)."""
    appointment = _appointment_or_message(request, token)
    if appointment is None:
        return render(request, "web/booking/link_failed.html", status=404)
    municipality = appointment.site.municipality
    site = _site_of(municipality, request.GET.get("sted"))
    start = _start(request.GET.get("start"))
    times = f"{reverse('web:booking_times', kwargs={'code': municipality.code})}?{urlencode({'flyt': token})}"
    if site is None or start is None:
        messages.error(request, _("Vælg den nye tid igen."))
        return redirect(times)
    context = {"appointment": appointment, "site": site, "start": start, "token": token, "times": times}
    if request.method == "POST":
        try:
            appointment_reschedule(
                appointment=appointment, start=start, site=site, client_address=client_address(request)
            )
        except SlotTaken as error:
            context["alternatives"] = error.alternatives
            messages.error(request, error.message)
            return render(request, "web/booking/move.html", context, status=409)
        except SkrankeError as error:
            messages.error(request, error.message)
            return redirect(times)
        messages.success(request, _("Din tid er flyttet. Du får en ny bekræftelse."))
        return redirect("web:booking_confirmed", token=token)
    return render(request, "web/booking/move.html", context)


@require_POST
def booking_waitlist(request, token: str):
    """From the confirmation: hear when an earlier time frees up at the same place."""
    appointment = _appointment_or_message(request, token)
    if appointment is None:
        return render(request, "web/booking/link_failed.html", status=404)
    try:
        waitlist_join(
            site=appointment.site,
            email=request.POST.get("email", "") or appointment.email,
            name=appointment.name,
            phone=appointment.phone,
            language=appointment.language,
            appointment=appointment,
        )
    except SkrankeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Du står nu på ventelisten. Bliver en tidligere tid ledig, får du en e-mail."))
    return redirect("web:booking_confirmed", token=token)


@require_http_methods(["GET", "POST"])
def waitlist_offer(request, token: str):
    """The link in the offer e-mail: take the freed time while it is held."""
    try:
        entry = waitlist_from_token(token)
    except SkrankeError as error:
        messages.error(request, error.message)
        return render(request, "web/booking/link_failed.html", status=404)
    if request.method == "POST":
        try:
            appointment = waitlist_accept(entry=entry)
        except SkrankeError as error:
            messages.error(request, error.message)
            return redirect("web:waitlist_offer", token=token)
        messages.success(request, _("Tiden er din."))
        return redirect("web:booking_confirmed", token=appointment_token(appointment))
    return render(request, "web/booking/offer.html", {"entry": entry, "site": entry.site, "offered": entry.offered})


# -- the kiosk: check in with the booking code ---------------------------------------------------


@require_POST
def kiosk_check_in(request, site_id: int):
    site = get_object_or_404(Site.objects.select_related("municipality"), pk=site_id, active=True)
    raw = request.POST.get("code", "")
    # A QR scanner types what the code holds: the booking code, perhaps inside a link.
    code = raw.rstrip("/").rsplit("/", 1)[-1].rsplit("=", 1)[-1]
    try:
        done = appointment_check_in(code=code, site=site)
    except SkrankeError as error:
        messages.error(request, error.message)
        return redirect("web:kiosk", site_id=site.pk)
    (messages.warning if done.late else messages.success)(request, done.message)
    return redirect(f"{reverse('web:kiosk_ticket', kwargs={'site_id': site.pk})}?t={done.ticket.token}")


# -- staff: the day's appointments, booking for a citizen, no-shows --------------------------------


def _staff_site(place, raw) -> Site | None:
    return _site_of(place.staff.municipality, raw) or place.site


@staff_required
@require_GET
def appointments(request, place):
    """The day's appointments at a site, with names and contact details (the read is logged)."""
    municipality = place.staff.municipality
    site = _staff_site(place, request.GET.get("sted"))
    day = _day(request.GET.get("dag"), timezone.localdate())
    sites = list(Site.objects.filter(municipality=municipality, active=True).order_by("name"))
    rows = []
    if site is not None:
        rows = appointments_day_read(site=site, day=day, staff=place.staff, client_address=client_address(request))
    return render(
        request,
        "web/booking/appointments.html",
        {
            "site": site,
            "sites": sites,
            "day": day,
            "rows": rows,
            "previous": (day - dt.timedelta(days=1)).isoformat(),
            "next": (day + dt.timedelta(days=1)).isoformat(),
            "now": timezone.now(),
        },
    )


@staff_required
@require_POST
def appointment_action(request, place):
    """No-show or cancel, from the day's list; back to the same list."""
    from skranke.bookings.models import Appointment

    appointment = Appointment.objects.filter(
        pk=request.POST.get("appointment") or 0, site__municipality=place.staff.municipality
    ).first()
    where = {"sted": request.POST.get("sted", ""), "dag": request.POST.get("dag", "")}
    back = f"{reverse('web:appointments')}?{urlencode(where)}"
    if appointment is None:
        messages.error(request, _("Tiden findes ikke (længere)."))
        return redirect(back)
    try:
        if request.POST.get("action") == "no_show":
            appointment_mark_no_show(appointment=appointment, staff=place.staff, client_address=client_address(request))
            messages.success(request, _("%(code)s er registreret som udeblevet.") % {"code": appointment.code})
        elif request.POST.get("action") == "cancel":
            appointment_cancel(appointment=appointment, actor=request.user, client_address=client_address(request))
            messages.success(request, _("%(code)s er aflyst.") % {"code": appointment.code})
        else:
            messages.error(request, _("Ukendt handling."))
    except SkrankeError as error:
        messages.error(request, error.message)
    return redirect(back)


@staff_required
@require_GET
def staff_booking_times(request, place):
    """Booking for a citizen at the counter or on the phone: services and place, then the free times."""
    municipality = place.staff.municipality
    chosen, offers = _chosen(request, municipality)
    services = list({o.service.pk: o.service for o in offers}.values())
    site = _site_of(municipality, request.GET.get("sted"))
    context = {"services": services, "chosen": chosen, "chosen_keys": {s.key for s in chosen}, "site": site}
    context["sites"] = sorted({o.setup.site for o in offers}, key=str)
    if chosen:
        first = max(_day(request.GET.get("fra"), timezone.localdate()), timezone.localdate())
        try:
            slots = free_slots(
                municipality=municipality, services=chosen, site=site, start=first, weeks=1, channel=Channel.COUNTER
            )
        except SkrankeError as error:
            messages.error(request, error.message)
            slots = []
        context.update(
            days=_times_by_day(slots),
            first=first,
            chosen_query=_query(chosen),
            later=_query(chosen, sted=site and site.pk, fra=(first + dt.timedelta(days=DAYS_SHOWN)).isoformat()),
        )
    return render(request, "web/booking/staff_times.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_booking_details(request, place):
    return _details(
        request,
        place.staff.municipality,
        StaffContactForm,
        back=reverse("web:staff_booking_times"),
        staff=place.staff,
    )
