"""One question after the visit, five faces: on the citizen's phone page and on a tablet at the counter.

Anonymous: the answer is tied to the contact (where, which area, which staff
group), never to the citizen. The tablet is addressed by a signed token of
its counter, so nobody can post answers for a counter they were not given
the address of; it asks only about that counter's last contact of the last
few minutes that has no answer yet.
"""

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skranke.contacts.models import Contact, Face, SatisfactionChannel
from skranke.contacts.services import contact_to_rate_at_counter, satisfaction_record
from skranke.errors import SkrankeError
from skranke.organisation.models import Counter
from skranke.queues.models import Status
from skranke.queues.selectors import ticket_by_token
from skranke.web.htmx import wants_fragment

TABLET_SALT = "skranke.web.satisfaction.tablet"
FACES = [(face.value, face.label) for face in Face]


def tablet_token(counter: Counter) -> str:
    return signing.dumps(counter.pk, salt=TABLET_SALT)


def tablet_url(counter: Counter) -> str:
    return reverse("web:satisfaction_tablet", kwargs={"token": tablet_token(counter)})


def _counter(token: str) -> Counter:
    try:
        pk = signing.loads(token, salt=TABLET_SALT)
        return Counter.objects.select_related("site").get(pk=pk, active=True)
    except (signing.BadSignature, Counter.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _answer(request, contact: Contact, channel: str) -> None:
    """Record the posted face and comment; the outcome as a message on the page the citizen returns to."""
    try:
        satisfaction_record(
            contact=contact, face=request.POST.get("face"), comment=request.POST.get("comment", ""), channel=channel
        )
    except SkrankeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Tak for dit svar."))


@require_POST
def phone_answer(request, token: str):
    """From the phone page after the visit."""
    ticket = ticket_by_token(token=token)
    if ticket is None:
        raise Http404
    contact = Contact.objects.filter(ticket=ticket).first()
    if ticket.status != Status.DONE or contact is None:
        messages.error(request, _("Du kan svare, når du har været ved skranken."))
        return redirect("web:phone", token=token)
    _answer(request, contact, SatisfactionChannel.PHONE)
    return redirect("web:phone", token=token)


@require_GET
def tablet(request, token: str):
    """The counter's tablet: the question while a contact waits for an answer, else a thank-you that polls."""
    counter = _counter(token)
    contact = contact_to_rate_at_counter(counter=counter)
    context = {"counter": counter, "site": counter.site, "contact": contact, "faces": FACES, "token": token}
    template = "web/_tablet.html" if wants_fragment(request) else "web/tablet.html"
    return render(request, template, context)


@require_POST
def tablet_answer(request, token: str):
    counter = _counter(token)
    contact = Contact.objects.filter(pk=request.POST.get("contact") or 0, counter=counter).first()
    current = contact_to_rate_at_counter(counter=counter)
    if contact is None or current is None or contact.pk != current.pk:
        # A stale tablet: the contact was answered, or a newer one finished, or it is too old.
        messages.info(request, _("Spørgsmålet er ikke længere aktuelt."))
        return redirect("web:satisfaction_tablet", token=token)
    _answer(request, contact, SatisfactionChannel.TABLET)
    return redirect("web:satisfaction_tablet", token=token)
