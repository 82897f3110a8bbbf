"""The hot path's hand-written SQL (queues.sql) gives the very objects the ORM gives, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.db import DatabaseError
from django.utils import timezone

from skranke.catalogue.models import Service
from skranke.organisation.models import Site
from skranke.queues.models import Queue, Status, Ticket
from skranke.queues.selectors import active_site, queues_for_services
from skranke.queues.services import _locked, ticket_call_next, ticket_issue
from skranke.queues.sql import update
from tests.factories import AuthorisationFactory

pytestmark = pytest.mark.django_db


def values(obj) -> dict:
    """Every concrete field's value, as the ORM would have loaded it (types included)."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def same(ours, orm) -> None:
    assert type(ours) is type(orm)
    assert values(ours) == values(orm)
    assert {k: type(v) for k, v in values(ours).items()} == {k: type(v) for k, v in values(orm).items()}
    assert not ours._state.adding and ours._state.db == orm._state.db


def test_a_locked_ticket_is_the_orms_with_its_queue_and_counter(
    borgerservice, passport, citizen_counter, officer, django_assert_num_queries
):
    AuthorisationFactory(staff_member=officer, service=passport)
    issued = ticket_issue(queue=borgerservice, services=[passport], phone="12345678")
    before_call = _locked(issued)
    assert before_call.counter is None
    called = ticket_call_next(counter=citizen_counter, staff=officer)
    orm = Ticket.objects.select_related("queue__site__municipality", "counter__site__municipality").get(pk=issued.pk)
    assert values(called) == values(orm)
    with django_assert_num_queries(1):
        ours = _locked(issued)
    with django_assert_num_queries(0):
        same(ours, orm)
        for path in ("queue", "queue.site", "queue.site.municipality", "counter", "counter.site"):
            obj_ours, obj_orm = ours, orm
            for name in path.split("."):
                obj_ours, obj_orm = getattr(obj_ours, name), getattr(obj_orm, name)
            same(obj_ours, obj_orm)
        same(ours.counter.site.municipality, orm.counter.site.municipality)
    assert ours.status == Status.CALLED and isinstance(ours.called_at, dt.datetime) and ours.called_at.tzinfo


def test_a_ticket_that_is_gone_is_not_found(borgerservice, passport):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    Ticket.objects.filter(pk=ticket.pk).delete()
    with pytest.raises(Ticket.DoesNotExist):
        _locked(ticket)
    with pytest.raises(DatabaseError):
        update(ticket, ["status"])


def test_the_kiosk_site_is_the_orms_with_its_municipality(site, django_assert_num_queries):
    orm = Site.objects.select_related("municipality").get(pk=site.pk)
    with django_assert_num_queries(1):
        ours = active_site(site.pk)
    with django_assert_num_queries(0):
        same(ours, orm)
        same(ours.municipality, orm.municipality)
    assert active_site(site.pk + 1000) is None
    assert active_site(2**70) is None
    Site.objects.filter(pk=site.pk).update(active=False)
    assert active_site(site.pk) is None


def test_queues_for_services_gives_the_orms_queues_and_services(site, borgerservice, library, passport, loan):
    found = queues_for_services(site=site, keys=["passport-application", "library-loan", "nothing-here"])
    assert set(found) == {"passport-application", "library-loan"}
    for key, queue in (("passport-application", borgerservice), ("library-loan", library)):
        ours_queue, ours_service = found[key]
        same(ours_queue, Queue.objects.get(pk=queue.pk))
        same(ours_service, Service.objects.get(key=key))
        assert ours_queue.site is site
    assert queues_for_services(site=site, keys=[]) == {}


def test_a_new_ticket_reads_back_as_written(borgerservice, passport, mitid):
    now = timezone.now()
    ticket = ticket_issue(queue=borgerservice, services=[mitid, passport], email="a@example.dk", now=now)
    orm = Ticket.objects.get(pk=ticket.pk)
    assert values(ticket) == values(orm)
    assert list(orm.ticket_services.values_list("service_id", "position")) == [(mitid.pk, 0), (passport.pk, 1)]
