from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from core.exports import register_background_export, register_import_specs
        from imports.exports import export_queue
        from imports.specs import spec_for

        register_import_specs(spec_for)
        register_background_export(export_queue)
