"""The one exception type for refusals a user can fix."""

from django.utils.translation import gettext_lazy as _


class SkrankeError(Exception):
    """A refusal with a Danish, translatable message for the user.

    Views show `message`; the API returns `code` with the message. Raise it
    inside the transaction of the change it refuses, so nothing is half-saved.
    """

    default_code = "refused"

    def __init__(self, message, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.field = field

    def __str__(self):
        return str(self.message)


class NotFound(SkrankeError):
    default_code = "not_found"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Findes ikke, eller du har ikke adgang til det."), **kwargs)
