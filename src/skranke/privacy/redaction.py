"""Keep CPR numbers out of log lines and error reports.

`RedactCprFilter` sits on every log handler (see LOGGING in settings), so it
sees each record once, whatever logger it came from. `CprRedactingExceptionReporter`
is Django's error report (debug page and the e-mail to ADMINS) with every
CPR-shaped number removed from the finished text: request data, local
variables and the exception message alike.
"""

import logging
import traceback

from django.views.debug import ExceptionReporter

from skranke.privacy.cpr import CPR_SHAPED, redact


class RedactCprFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if CPR_SHAPED.search(message):
            record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class CprRedactingExceptionReporter(ExceptionReporter):
    def get_traceback_html(self):
        return redact(super().get_traceback_html())

    def get_traceback_text(self):
        return redact(super().get_traceback_text())
