"""Text messages: one small interface, and the backends behind it.

The municipality's SMS gateway (most use one through their KOMBIT or
telecom agreement) is plugged in by writing a class with `send(to, text)`
and naming it in SKRANKE_SMS_BACKEND. Skranke ships two: the console
backend, which writes each message to standard output (development, and
sites without a gateway), and the memory backend the tests read.
"""

import sys
import threading
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Sms:
    to: str  # eight digits, as queues.services.clean_phone leaves them
    text: str


class SmsBackend(Protocol):
    def send(self, message: Sms) -> None:
        """Hand the message to the gateway; raise if it was not accepted."""


class ConsoleSmsBackend:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send(self, message: Sms) -> None:
        with self._lock:
            # The log is no place for a citizen's phone number: the last four digits are hidden.
            self.stream.write(f"SMS til +45 {message.to[:4]}****:\n{message.text}\n{'-' * 40}\n")
            self.stream.flush()


# Read by the tests, as django.core.mail.outbox is.
outbox: list[Sms] = []


class MemorySmsBackend:
    def send(self, message: Sms) -> None:
        outbox.append(message)


def send_sms(*, to: str, text: str) -> None:
    backend = import_string(settings.SKRANKE_SMS_BACKEND)()
    backend.send(Sms(to=to, text=text))
