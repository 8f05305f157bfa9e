"""Routes of the pages officials and staff open in the browser."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from core import converters  # noqa: F401 (registers <region:…>)
from portal import twofactor, views

app_name = "portal"
urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path(
        "accounts/logout/", auth_views.LogoutView.as_view(next_page="portal:login"), name="logout"
    ),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/password_change.html",
            extra_context={"password_max_age_days": settings.PASSWORD_MAX_AGE_DAYS},
            success_url=reverse_lazy("portal:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("accounts/sessions/", views.sessions, name="sessions"),
    path("accounts/two-factor/", twofactor.verify, name="two_factor"),
    path("accounts/two-factor/enrol/", twofactor.enrol, name="two_factor_enrol"),
    path("", views.home, name="home"),
    path("regions/<region:code>/", views.region_dashboard, name="region_dashboard"),
    path("regions/<region:code>/gaps/", views.region_gaps, name="region_gaps"),
    path(
        "regions/<region:code>/gaps/export/",
        views.region_gaps_export,
        name="region_gaps_export",
    ),
    path("gaps/", views.country_gaps, name="country_gaps"),
    path("gaps/export/", views.country_gaps_export, name="country_gaps_export"),
    path("search/", views.search, name="region_search"),
    path("branches/<int:pk>/", views.branch_detail, name="branch_detail"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
]
