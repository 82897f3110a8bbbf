from django.urls import path

from skranke.web import views, views_privacy

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
]
