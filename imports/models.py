"""An import job: the uploaded file, its dry run, and the import that followed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Region


class ImportStatus(models.TextChoices):
    INVALID = "invalid", _("Has errors")
    CHECKED = "checked", _("Ready to import")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed, nothing saved")


class ImportJob(models.Model):
    """One uploaded sheet: kept in the database so that the confirm checks the same bytes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Uploaded by"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("Region scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The uploader's region at the time; empty for a superuser."),
    )
    kind = models.CharField(_("Record type"), max_length=20)
    file_name = models.CharField(_("File name"), max_length=255)
    file_size = models.PositiveIntegerField(_("File size (bytes)"))
    data = models.BinaryField(_("File content"))
    status = models.CharField(_("Status"), max_length=10, choices=ImportStatus)
    total_rows = models.PositiveIntegerField(_("Rows"), default=0)
    created_count = models.PositiveIntegerField(_("Created"), default=0)
    updated_count = models.PositiveIntegerField(_("Updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("Unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("Errors"), default=0)
    errors = models.JSONField(_("Errors"), default=list, blank=True)
    notices = models.JSONField(_("Notices"), default=list, blank=True)
    message = models.TextField(_("Message"), blank=True)
    created_at = models.DateTimeField(_("Uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("Import started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Import job")
        verbose_name_plural = _("Import job")
        ordering = ["-created_at", "-id"]
        indexes = [
            # "My recent imports": the list page.
            models.Index(fields=["user", "-created_at"], name="imports_job_user_idx"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def kind_label(self) -> str:
        from imports.specs import SPECS  # specs import the record models

        spec = SPECS.get(self.kind)
        return str(spec.title) if spec else self.kind

    @property
    def can_confirm(self) -> bool:
        return self.status in (ImportStatus.CHECKED, ImportStatus.FAILED) and not self.error_count
