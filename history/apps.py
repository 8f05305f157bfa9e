from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = _("History and audit")

    def ready(self):
        from axes.signals import user_locked_out
        from django.apps import apps as django_apps
        from django.conf import settings
        from django.contrib.admin.models import LogEntry
        from django.contrib.auth import signals as auth
        from django.db.models.signals import post_init, post_save

        from core import admin as core_admin
        from core.audit import personal_data_shown, security_event
        from history import audit_trail as trail
        from history.admin import history_page
        from history.audit import on_personal_data_shown

        personal_data_shown.connect(on_personal_data_shown, dispatch_uid="history.audit")
        core_admin.set_history_page(history_page)
        # The audit trail (history.audit_trail): sign-ins, lockouts, accounts' roles and
        # scopes, superusers' admin changes, and the events core and the apps send.
        security_event.connect(trail.on_security_event, dispatch_uid="history.trail")
        auth.user_logged_in.connect(trail.on_login, dispatch_uid="history.trail.login")
        auth.user_logged_out.connect(trail.on_logout, dispatch_uid="history.trail.logout")
        auth.user_login_failed.connect(trail.on_login_failed, dispatch_uid="history.trail.fail")
        user_locked_out.connect(trail.on_locked_out, dispatch_uid="history.trail.lockout")
        # Accounts saved as their model or as a proxy of it (service accounts).
        user_model = django_apps.get_model(settings.AUTH_USER_MODEL)
        for model in django_apps.get_models():
            if model is user_model or (model._meta.proxy and issubclass(model, user_model)):
                label = model._meta.label_lower
                post_init.connect(trail.on_user_loaded, sender=model, dispatch_uid=f"u0.{label}")
                post_save.connect(trail.on_user_saved, sender=model, dispatch_uid=f"u1.{label}")
        post_save.connect(
            trail.on_admin_log_entry, sender=LogEntry, dispatch_uid="history.trail.su"
        )
