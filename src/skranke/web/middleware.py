"""Danish unless the user chose otherwise; signed out after a while without activity."""

import datetime as dt
import math
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from skranke.web.htmx import is_poll


class DanishFirstLocaleMiddleware:
    """Activate the language the user picked with the language switch, else Danish.

    Django's LocaleMiddleware also follows the browser's Accept-Language, so
    a staff member with an English browser would get English pages at a
    Danish counter. Here only an explicit choice (the language cookie set by
    `set_language`) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class IdleTimeoutMiddleware:
    """Sign out a signed-in user whose last request is longer ago than SESSION_IDLE_TIMEOUT.

    A counter PC is often left with the session open. After the timeout the
    user is signed out and the request goes on as an anonymous one: a page
    that needs a login sends them to the login page, which says why; a public
    page (the ticket kiosk, the waiting-room board) is shown as to anyone.
    Anonymous visitors are not touched.

    Requests that a page makes by itself do not count as activity: a page
    that polls (htmx every few seconds) must send the header
    `X-Skranke-Poll: 1`, e.g. `hx-headers='{"X-Skranke-Poll": "1"}'` on the
    polling element. Once the user has been idle too long, such an htmx
    request that needs a login gets an `HX-Redirect` to the login page, so that
    htmx loads it as a whole page instead of swapping it into a fragment.

    The session's absolute lifetime stays SESSION_COOKIE_AGE from the first
    request after login: writing the activity time into the session would
    otherwise move its expiry forward on every request.
    """

    SESSION_KEY = "skranke_last_activity"
    # Write the time at most this often, so that a busy page does not save the session on every request.
    RESOLUTION = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.SESSION_IDLE_TIMEOUT
        user = getattr(request, "user", None)
        if not timeout or user is None or not user.is_authenticated:
            return self.get_response(request)

        now = int(time.time())
        last = request.session.get(self.SESSION_KEY)
        if last is not None and now - last > timeout:
            logout(request)
            return self._after_sign_out(request, self.get_response(request), timeout)
        if last is None:
            # The first request after login.
            request.session.set_expiry(timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))
            request.session[self.SESSION_KEY] = now
        elif not is_poll(request) and now - last >= self.RESOLUTION:
            request.session[self.SESSION_KEY] = now
        return self.get_response(request)

    def _after_sign_out(self, request, response, timeout: int):
        """Explain the sign-out where the response sends the user to a login page."""
        if not 300 <= response.status_code < 400:
            return response
        location = urlsplit(response["Location"])
        if location.path not in {resolve_url(settings.LOGIN_URL), reverse("admin:login")}:
            return response
        minutes = math.ceil(timeout / 60)
        messages.info(
            request,
            ngettext(
                "Du blev logget ud, fordi der ikke skete noget i %(minutes)d minut.",
                "Du blev logget ud, fordi der ikke skete noget i %(minutes)d minutter.",
                minutes,
            )
            % {"minutes": minutes},
        )
        if request.headers.get("HX-Request") != "true":
            return response
        # The page the user was looking at, not the fragment htmx asked for.
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.path and current.netloc in ("", request.get_host()):
            query = QueryDict(mutable=True)
            query[REDIRECT_FIELD_NAME] = current.path
            target = f"{location.path}?{query.urlencode(safe='/')}"
        else:
            target = location.path
        hx_redirect = HttpResponse(status=200)
        hx_redirect["HX-Redirect"] = target
        return hx_redirect
