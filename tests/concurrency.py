"""Helpers for tests that prove concurrency with real processes on PostgreSQL."""

from django.db import connections


def fresh_connections() -> None:
    """In a forked child: drop the parent's database sockets, so the child opens its own."""
    for conn in connections.all():
        conn.inc_thread_sharing()
        conn.connection = None
