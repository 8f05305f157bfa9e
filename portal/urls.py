"""URL configuration: admin, API and dashboards."""

from django.contrib import admin
from django.urls import include, path

from portal.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("portal.api.urls")),
    path("imports/", include("imports.urls")),
    path("exports/", include("imports.export_urls")),
    path("", include("portal.pages")),
]

#: Pages answer a refusal with templates/403.html (what the role allows instead); the API
#: keeps its JSON errors.
handler403 = "portal.views.permission_denied"
