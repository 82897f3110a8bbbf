"""Danish unless the user chose otherwise."""

from django.conf import settings
from django.utils import translation


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
