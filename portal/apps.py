from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal and accounts")

    def ready(self):
        from django.apps import apps

        from portal import sessions  # noqa: F401 (connects the sign-in receiver)

        # django-axes names its app "Axes" (no verbose_name): the admin's index and
        # breadcrumbs show it under a translated name.
        apps.get_app_config("axes").verbose_name = _("Sign-in security")
