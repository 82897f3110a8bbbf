from django.urls import path

from skranke.web import (
    views,
    views_booking,
    views_counter,
    views_insights,
    views_kiosk,
    views_privacy,
    views_satisfaction,
)

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("skranke/", views.choose_counter, name="choose_counter"),
    path("ydelser/", views.service_list, name="services"),
    path("ydelser/<slug:key>/", views.service_page, name="service"),
    path("livssituationer/", views.life_event_list, name="life_events"),
    path("livssituationer/<slug:key>/", views.life_event_page, name="life_event"),
    path("logning/", views_privacy.audit_log, name="audit_log"),
    path("logning/indsigt/", views_privacy.access_report, name="access_report"),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
    # The counter day: staff pages
    path("skranke/betjening/", views_counter.counter_screen, name="counter"),
    path("skranke/betjening/handling/", views_counter.counter_action, name="counter_action"),
    path("skranke/betjening/afslut/", views_counter.counter_finish, name="counter_finish"),
    path("skranke/betjening/henvendelse/", views_counter.counter_contact, name="counter_contact"),
    path("koeer/", views_counter.queue_overview_page, name="queue_overview"),
    path("indsigt/", views_insights.dashboard, name="insights"),
    path("indsigt/kvalitet/", views_insights.quality_page, name="insights_quality"),
    path("indsigt/bemanding/", views_insights.staffing_page, name="insights_staffing"),
    path("indsigt/landet/", views_insights.national_page, name="insights_national"),
    path("indsigt/eksport/<slug:name>.<slug:fmt>", views_insights.export, name="insights_export"),
    # The counter day: public pages (no login)
    path("kiosk/<int:site_id>/", views_kiosk.kiosk, name="kiosk"),
    path("kiosk/<int:site_id>/forslag/", views_kiosk.kiosk_suggest, name="kiosk_suggest"),
    path("kiosk/<int:site_id>/tag-nummer/", views_kiosk.kiosk_take, name="kiosk_take"),
    path("kiosk/<int:site_id>/nummer/", views_kiosk.kiosk_ticket, name="kiosk_ticket"),
    path("tavle/<int:site_id>/", views_kiosk.board, name="board"),
    path("nummer/<str:token>/", views_kiosk.phone, name="phone"),
    path("nummer/<str:token>/annuller/", views_kiosk.phone_cancel, name="phone_cancel"),
    path("nummer/<str:token>/svar/", views_satisfaction.phone_answer, name="phone_answer"),
    path("tilfreds/<str:token>/", views_satisfaction.tablet, name="satisfaction_tablet"),
    path("tilfreds/<str:token>/svar/", views_satisfaction.tablet_answer, name="satisfaction_tablet_answer"),
    path("kiosk/<int:site_id>/tjek-ind/", views_booking.kiosk_check_in, name="kiosk_check_in"),
    # Online booking: the citizen's pages (no login; a booking is reached only by its signed token)
    path("tid/<int:code>/", views_booking.booking_start, name="booking_start"),
    path("tid/<int:code>/tider/", views_booking.booking_times, name="booking_times"),
    path("tid/<int:code>/bestil/", views_booking.booking_details, name="booking_details"),
    path("tid/bekraeftelse/<str:token>/", views_booking.booking_confirmed, name="booking_confirmed"),
    path("tid/kalender/<str:token>/", views_booking.booking_ics, name="booking_ics"),
    path("tid/aendr/<str:token>/", views_booking.booking_manage, name="booking_manage"),
    path("tid/aendr/<str:token>/flyt/", views_booking.booking_move, name="booking_move"),
    path("tid/aendr/<str:token>/venteliste/", views_booking.booking_waitlist, name="booking_waitlist"),
    path("tid/venteliste/<str:token>/", views_booking.waitlist_offer, name="waitlist_offer"),
    # Online booking: staff
    path("tider/", views_booking.appointments, name="appointments"),
    path("tider/handling/", views_booking.appointment_action, name="appointment_action"),
    path("tider/bestil/", views_booking.staff_booking_times, name="staff_booking_times"),
    path("tider/bestil/oplysninger/", views_booking.staff_booking_details, name="staff_booking_details"),
]
