from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from skranke.web import views_login

admin.site.site_header = "Skranke – administration"
admin.site.site_title = "Skranke"
admin.site.index_title = "Administration"

# A path under /api/ that leads nowhere gets the API's JSON error; other paths the pages' 404 page.
handler404 = "skranke.api.errors.page_not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", views_login.LoginView.as_view(), name="login"),
    # Single sign-on; answers 404 unless OIDC_RP_CLIENT_ID is set. The names are mozilla-django-oidc's.
    path("oidc/authenticate/", views_login.SsoStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", views_login.SsoCallbackView.as_view(), name="oidc_authentication_callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    # The REST API (/api/v1/), its OpenAPI schema and its documentation page; see docs/api.md.
    path("api/", include("skranke.api.urls")),
    path("", include("skranke.web.urls")),
]
