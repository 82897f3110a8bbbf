"""The login page: username and password with a lockout after repeated failures, or the municipality's login."""

import logging
import math

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from skranke.organisation.oidc import Refusal

logger = logging.getLogger(__name__)


def sso_enabled() -> bool:
    """Single sign-on is on when the installation has a client ID at the municipality's provider."""
    return bool(settings.OIDC_RP_CLIENT_ID)


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"sso_enabled": sso_enabled()}


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the login page with a Danish explanation.

    Also for a correct password: while the lockout lasts, nobody signs in with
    that username from that address.
    """
    credentials = credentials or {}
    form = AuthenticationForm(request, initial={"username": credentials.get("username") or ""})
    context = {
        "form": form,
        "locked_out": True,
        "lockout_minutes": math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
        "next": request.POST.get(REDIRECT_FIELD_NAME, ""),
        "sso_enabled": sso_enabled(),
    }
    return render(request, "web/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class _OnlyWithSso:
    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SsoStartView(_OnlyWithSso, OIDCAuthenticationRequestView):
    """Sends the browser to the municipality's login."""


class SsoCallbackView(_OnlyWithSso, OIDCAuthenticationCallbackView):
    """Where the municipality's login sends the browser back; signs the staff member in or says why not."""

    def get(self, request):
        try:
            return super().get(request)
        except (SuspiciousOperation, jwt.PyJWTError) as error:
            # A forged, tampered, expired or replayed answer: refused, and worth a look in the log.
            logger.warning("Single sign-on refused: %s", error)
        except requests.RequestException as error:
            logger.warning("Single sign-on failed, the identity provider did not answer properly: %s", error)
            messages.error(request, _("Kommunens login svarede ikke. Prøv igen om lidt."))
            return HttpResponseRedirect(reverse("login"))
        return self.login_failure()

    def login_failure(self):
        refusal = getattr(self.request, "skranke_sso_refusal", None)
        if refusal == Refusal.UNKNOWN_USER:
            message = _(
                "Du er ikke oprettet som bruger i Skranke. Bed din leder om at oprette dig med brugernavnet "
                "%(username)s."
            ) % {"username": self.request.skranke_sso_username}
        elif refusal == Refusal.INACTIVE_USER:
            message = _("Din bruger i Skranke er lukket. Kontakt din leder.")
        else:
            message = _("Du blev ikke logget ind med kommunens login. Prøv igen, eller kontakt din leder.")
        messages.error(self.request, message)
        return HttpResponseRedirect(reverse("login"))
