"""The hot path's hand-written SQL (skranke.sql) gives the very objects the ORM gives, on SQLite and PostgreSQL."""

import datetime as dt
import re

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from skranke.catalogue.models import Service
from skranke.contacts.models import Contact, ContactService, Outcome
from skranke.contacts.services import Line, ticket_finish
from skranke.organisation.models import Site
from skranke.privacy.chain import verify_chain
from skranke.privacy.cpr import parse
from skranke.privacy.models import Action, AuditChain, AuditEntry
from skranke.privacy.services import audit_record
from skranke.queues.estimate import HISTORY, SAMPLED_AHEAD, _ahead, _ahead_sql, _times_sql, service_seconds
from skranke.queues.models import Channel, Queue, Status, Ticket, TicketDay, TicketService
from skranke.queues.selectors import active_site, queues_for_services
from skranke.queues.services import _call_next_sql, _locked, ticket_call_next, ticket_issue
from skranke.sql import constant, update
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


def test_a_finished_ticket_leaves_the_contact_lines_and_audit_entry_the_orm_reads(
    borgerservice, passport, mitid, citizen_counter, officer
):
    AuthorisationFactory(staff_member=officer, service=passport)
    AuthorisationFactory(staff_member=officer, service=mitid)
    ticket_issue(queue=borgerservice, services=[passport, mitid])
    called = ticket_call_next(counter=citizen_counter, staff=officer)
    lines = [
        Line(service=passport, outcome=Outcome.RESOLVED),
        Line(service=mitid, outcome=Outcome.REFERRED, referred_to=" Udbetaling Danmark "),
    ]
    contact = ticket_finish(ticket=called, staff=officer, lines=lines, cpr=parse("0101901234"))
    orm = Contact.objects.get(pk=contact.pk)
    assert values(contact) == values(orm)  # as Contact.objects.create gives it (a StaffGroup member, not its str)
    assert not contact._state.adding
    assert list(orm.lines.order_by("service_id").values_list("service_id", "outcome", "referred_to", "recontact")) == (
        sorted([(passport.pk, Outcome.RESOLVED, "", False), (mitid.pk, Outcome.REFERRED, "Udbetaling Danmark", False)])
    )
    entry = AuditEntry.objects.get(object_type="contacts.contact", object_id=str(contact.pk))
    assert entry.citizen == orm.citizen is not None
    head = AuditChain.objects.get(municipality=borgerservice.site.municipality)
    assert (head.sequence, head.last_hash) == (entry.sequence, entry.entry_hash)
    assert verify_chain(municipality_id=head.municipality_id) == []


def test_the_audit_chain_is_made_by_the_municipalitys_first_entry_and_continued_by_the_next(site, officer):
    municipality = site.municipality
    assert not AuditChain.objects.filter(municipality=municipality).exists()
    first = audit_record(municipality=municipality, action=Action.CHANGE, actor=officer.user, detail="første")
    second = audit_record(municipality=municipality, action=Action.CHANGE, actor=officer.user, detail="anden")
    assert second.sequence == first.sequence + 1 and second.previous_hash == first.entry_hash
    assert AuditEntry.objects.get(pk=second.pk).entry_hash == second.entry_hash
    assert verify_chain(municipality_id=municipality.pk) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_the_hot_paths_statements_are_prepared_once_per_connection(borgerservice, passport):
    for _ in range(connection.settings_dict["OPTIONS"]["prepare_threshold"] + 1):
        ticket_issue(queue=borgerservice, services=[passport])
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("queues_ticketday" in text and "queues_ticketservice" in text for text in prepared), prepared


def test_a_code_constant_is_written_into_the_statement_and_nothing_else_is():
    assert constant(Status.WAITING) == "'WAITING'"
    for bad in ("WAITING'; DROP TABLE x; --", "a b", "", "ÆØÅ", 1):
        with pytest.raises(ValueError):
            constant(bad)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_plan_made_once_for_any_day_calls_the_next_ticket_from_the_waiting_tickets_alone(citizen_counter, officer):
    # A prepared statement's generic plan cannot know the day; with the status in the statement it still
    # reads the partial index of waiting tickets, not every ticket of the queue's day (bench/walkin.py).
    sql = _call_next_sql(0)
    numbered = iter(range(1, 100))
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        try:
            cursor.execute("PREPARE skranke_call_next AS " + re.sub("%s", lambda _: f"${next(numbered)}", sql))
            cursor.execute(
                "EXPLAIN EXECUTE skranke_call_next(%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    Status.CALLED,
                    citizen_counter.pk,
                    officer.user_id,
                    timezone.now(),
                    citizen_counter.site_id,
                    citizen_counter.area,
                    True,
                    timezone.localdate(),
                ],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE ALL")
            cursor.execute("RESET plan_cache_mode")
    assert "queues_ticket_waiting_day" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_estimate_reads_the_first_tickets_ahead_in_index_order_not_the_whole_queue(borgerservice, passport):
    # A long queue whose tickets were all issued in the same second (as a kiosk's burst can be): the order
    # (issued_at, id) comes from the index of waiting tickets, so only SAMPLED_AHEAD rows are read, not
    # every waiting ticket sorted (3.5 ms at 2,400 waiting in bench/walkin.py).
    now, day = timezone.now(), timezone.localdate()
    tickets = Ticket.objects.bulk_create(
        Ticket(queue=borgerservice, day=day, number=n, issued_at=now) for n in range(1, 2 * SAMPLED_AHEAD + 1)
    )
    TicketService.objects.bulk_create(TicketService(ticket=t, service=passport) for t in tickets)
    TicketDay.objects.create(queue=borgerservice, day=day, last_number=len(tickets))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE queues_ticket")
        cursor.execute("ANALYZE queues_ticketservice")
        params = [borgerservice.pk, day, Status.WAITING, Channel.APPOINTMENT, now, SAMPLED_AHEAD, borgerservice.pk, day]
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + _ahead_sql(False, False), params)
        [[[plan]]] = cursor.fetchall()

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    [scan] = [n for n in nodes(plan["Plan"]) if n.get("Relation Name") == "queues_ticket"]
    assert scan["Index Name"] == "queues_ticket_waiting_day", scan
    assert scan["Actual Rows"] == SAMPLED_AHEAD, scan
    assert not [n for n in nodes(plan["Plan"]) if "t.issued_at" in n.get("Sort Key", [])]
    ahead, total = _ahead(queue=borgerservice, day=day, channel=Channel.WALK_IN, issued_at=now, pk=None, number=None)
    assert total == 2 * SAMPLED_AHEAD and ahead == {passport.pk: 2 * SAMPLED_AHEAD}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_service_times_count_each_contacts_services_once_not_in_a_subquery_per_line(
    citizen_counter, officer, passport, mitid
):
    # The ORM's form counted a contact's services in a subquery run for every line, twice, and its
    # estimated cost set off the JIT compiler: 40-135 ms at 10,000 contacts against 12 ms (bench/walkin.py's
    # database); the phone page reads it on every poll.
    now = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    contacts = Contact.objects.bulk_create(
        Contact(
            site=citizen_counter.site,
            counter=citizen_counter,
            area=citizen_counter.area,
            staff=officer.user,
            staff_group=officer.staff_group,
            channel=Channel.WALK_IN,
            started_at=now - dt.timedelta(minutes=n % 50, seconds=600),
            finished_at=now - dt.timedelta(minutes=n % 50),
            service_seconds=600,
        )
        for n in range(400)
    )
    ContactService.objects.bulk_create(
        ContactService(contact=c, service=s, outcome=Outcome.RESOLVED)
        for n, c in enumerate(contacts)
        for s in ([passport, mitid] if n % 2 else [passport])
    )
    midnight = now.replace(hour=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contacts_contact")
        cursor.execute("ANALYZE contacts_contactservice")
        cursor.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + _times_sql(None),
            [midnight, citizen_counter.site_id, now - HISTORY, now],
        )
        [[[plan]]] = cursor.fetchall()

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    assert not [n for n in nodes(plan["Plan"]) if n.get("Parent Relationship") == "SubPlan"], plan
    assert "JIT" not in plan
    seconds, basis = service_seconds(site=citizen_counter.site, services={passport.pk, mitid.pk}, now=now)
    # Half the contacts were passport alone (600 s), half passport and MitID (300 s each).
    assert seconds == {passport.pk: (200 * 600 + 200 * 300) / 400, mitid.pk: 300.0}
    assert basis == {passport.pk: "today", mitid.pk: "today"}
