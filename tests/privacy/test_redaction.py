"""No CPR-shaped number reaches a log line or an error report."""

import io
import logging
import sys

from django.conf import settings
from django.test import RequestFactory

from skranke.privacy.redaction import CprRedactingExceptionReporter, RedactCprFilter

CPR = "0707614285"


def test_every_configured_log_handler_carries_the_cpr_filter():
    handlers = settings.LOGGING["handlers"]
    assert handlers
    assert all("redact_cpr" in handler.get("filters", []) for handler in handlers.values())


def _logged(emit) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactCprFilter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_cpr_number_in_a_message_or_its_arguments_is_redacted():
    output = _logged(lambda log: (log.warning("opslag på %s", CPR), log.warning(f"borger 070761-4285 kom {1} gang")))
    assert "4285" not in output
    assert output.count("[CPR]") == 2


def test_a_cpr_number_in_an_exception_is_redacted_from_the_traceback():
    def emit(log):
        try:
            raise ValueError(f"ukendt borger {CPR}")
        except ValueError:
            log.exception("fejl")

    output = _logged(emit)
    assert "ValueError: ukendt borger [CPR]" in output
    assert CPR not in output


def test_the_error_report_hides_cpr_numbers_in_post_data_locals_and_the_message():
    typed = f"{CPR[:6]}-{CPR[6:]}"
    request = RequestFactory().post("/logning/indsigt/", {"cpr": typed, "purpose": "indsigt"})
    borger = CPR  # a local variable the report would show
    try:
        raise RuntimeError(f"kunne ikke finde {borger}")
    except RuntimeError:
        reporter = CprRedactingExceptionReporter(request, *sys.exc_info())
        text, html = reporter.get_traceback_text(), reporter.get_traceback_html()
    for report in (text, html):
        assert CPR not in report
        assert typed not in report
        assert "[CPR]" in report


def test_django_uses_the_redacting_reporter():
    assert settings.DEFAULT_EXCEPTION_REPORTER == "skranke.privacy.redaction.CprRedactingExceptionReporter"
