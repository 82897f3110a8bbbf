"""The API's addresses: /api/v1/ (the API), /api/schema/ (OpenAPI YAML), /api/docs/ (Swagger UI)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from skranke.api.views import bookings, catalogue, docs, insights, sites, staff, tickets

app_name = "api"

v1 = [
    path("", catalogue.RootView.as_view(), name="root"),
    # Public: the municipality's offer, by its code; sites, queues and the board by the site's id.
    path("municipalities/<int:code>/services/", catalogue.ServiceListView.as_view(), name="services"),
    path("municipalities/<int:code>/services/<slug:key>/", catalogue.ServiceDetailView.as_view(), name="service"),
    path("municipalities/<int:code>/life-events/", catalogue.LifeEventListView.as_view(), name="life_events"),
    path("municipalities/<int:code>/triage/", catalogue.TriageView.as_view(), name="triage"),
    path("municipalities/<int:code>/sites/", sites.SiteListView.as_view(), name="sites"),
    path("sites/<int:site_id>/", sites.SiteDetailView.as_view(), name="site"),
    path("sites/<int:site_id>/queues/", sites.QueueListView.as_view(), name="queues"),
    path("sites/<int:site_id>/display/", sites.DisplayView.as_view(), name="display"),
    # Tickets: issued by a kiosk token; a ticket is reached only by its token.
    path("sites/<int:site_id>/tickets/", tickets.TicketIssueView.as_view(), name="ticket_issue"),
    path("tickets/<str:token>/", tickets.TicketView.as_view(), name="ticket"),
    path("tickets/<str:token>/cancel/", tickets.TicketCancelView.as_view(), name="ticket_cancel"),
    # Appointments: a booking is reached only by its signed token.
    path(
        "municipalities/<int:code>/bookable-services/",
        bookings.BookableServiceListView.as_view(),
        name="bookable_services",
    ),
    path("municipalities/<int:code>/slots/", bookings.SlotListView.as_view(), name="slots"),
    path("municipalities/<int:code>/appointments/", bookings.AppointmentBookView.as_view(), name="appointment_book"),
    path("appointments/<str:token>/", bookings.AppointmentView.as_view(), name="appointment"),
    path("appointments/<str:token>/cancel/", bookings.AppointmentCancelView.as_view(), name="appointment_cancel"),
    path("appointments/<str:token>/move/", bookings.AppointmentMoveView.as_view(), name="appointment_move"),
    # Staff (a token acting as a staff member): the counter.
    path("staff/counters/", staff.CounterListView.as_view(), name="counters"),
    path("staff/counters/<int:counter_id>/call-next/", staff.CallNextView.as_view(), name="call_next"),
    path("staff/tickets/<int:ticket_id>/recall/", staff.RecallView.as_view(), name="recall"),
    path("staff/tickets/<int:ticket_id>/start/", staff.StartView.as_view(), name="start"),
    path("staff/tickets/<int:ticket_id>/no-show/", staff.NoShowView.as_view(), name="no_show"),
    path("staff/tickets/<int:ticket_id>/finish/", staff.FinishView.as_view(), name="finish"),
    path("staff/contacts/", staff.ContactRecordView.as_view(), name="contact_record"),
    path("staff/contacts/search/", staff.ContactSearchView.as_view(), name="contact_search"),
    # Managers: the key figures.
    path("insights/kpis/", insights.KpiView.as_view(), name="kpis"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
]
