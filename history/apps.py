from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = _("History and audit")

    def ready(self):
        from core import admin as core_admin
        from core.audit import personal_data_shown
        from history.admin import history_page
        from history.audit import on_personal_data_shown

        personal_data_shown.connect(on_personal_data_shown, dispatch_uid="history.audit")
        core_admin.set_history_page(history_page)
