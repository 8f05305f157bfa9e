"""API routes: the records and rollups under /api/v1/, the OpenAPI schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from core import converters  # noqa: F401 (registers <region:…>)
from portal.api import views
from reports.api import exports
from reports.api import views as rollups

app_name = "api"

router = SimpleRouter()
router.register("tokens", views.ApiTokenViewSet, basename="token")

v1 = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("rollup/", rollups.CountryRollupView.as_view(), name="rollup"),
    path("rollup.csv", exports.CountryRollupCsvView.as_view(), name="rollup-csv"),
    path("rollup.xlsx", exports.CountryRollupXlsxView.as_view(), name="rollup-xlsx"),
    path("regions/<region:code>/rollup/", rollups.RegionRollupView.as_view(), name="region-rollup"),
    path(
        "regions/<region:code>/rollup.csv",
        exports.RollupCsvView.as_view(),
        name="region-rollup-csv",
    ),
    path(
        "regions/<region:code>/rollup.xlsx",
        exports.RollupXlsxView.as_view(),
        name="region-rollup-xlsx",
    ),
    path(
        "regions/<region:code>/coverage-gaps/",
        rollups.CoverageGapsView.as_view(),
        name="region-coverage-gaps",
    ),
    path("", include("orgs.api.urls")),
    path("", include("members.api.urls")),
    path("", include("funds.api.urls")),
    path("", include("life.api.urls")),
    *router.urls,
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    # The split view serves its script from a URL: no inline script under our CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Any other address under /api/ answers in JSON like the API, not with an HTML page.
    re_path(r"^", views.not_found, name="not_found"),
]
