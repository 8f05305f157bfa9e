"""An import job: the uploaded file, its dry run, and the import that followed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Region


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the dry run")
    CHECKING = "checking", _("Dry run in progress")
    INVALID = "invalid", _("Has errors")
    CHECKED = "checked", _("Ready to import")
    WAITING = "waiting", _("Waiting to be imported")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed, nothing saved")


#: A background worker is on these (or died on them: see services.job_abandoned).
WORKING = (ImportStatus.CHECKING, ImportStatus.RUNNING)
#: The job waits for, or is in, the background worker: its page follows the progress.
PENDING = (ImportStatus.QUEUED, ImportStatus.WAITING, *WORKING)


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
    ended_at = models.DateTimeField(
        _("Background work ended at"),
        null=True,
        blank=True,
        help_text=_("When the last dry run or import of this file ended in the background."),
    )
    seen_at = models.DateTimeField(
        _("Result seen at"),
        null=True,
        blank=True,
        help_text=_("When the uploader last opened the job's page."),
    )

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
    def pending(self) -> bool:
        return self.status in PENDING

    @property
    def can_confirm(self) -> bool:
        return self.status in (ImportStatus.CHECKED, ImportStatus.FAILED) and not self.error_count


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be written")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """A list too long to write in the web request, written by the background worker.

    The worker reads the list again as its owner would (``query`` on the admin list of
    ``model``), so the file holds the rows the owner sees when it is written.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Requested by"),
        on_delete=models.PROTECT,
        related_name="export_jobs",
    )
    model = models.CharField(_("List"), max_length=100, help_text=_("app_label.model_name"))
    title = models.CharField(_("Title"), max_length=100)
    query = models.TextField(_("Filters"), blank=True)
    format = models.CharField(_("Format"), max_length=4)
    language = models.CharField(_("Language"), max_length=10, blank=True)
    address = models.GenericIPAddressField(_("Client address"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=ExportStatus)
    rows = models.PositiveIntegerField(_("Rows"), null=True, blank=True)
    file = models.FileField(_("File"), upload_to="exports/%Y/%m/", blank=True)
    message = models.TextField(_("Message"), blank=True)
    created_at = models.DateTimeField(_("Requested at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("Finished at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("Downloaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Export job")
        verbose_name_plural = _("Export jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="imports_export_user_idx")]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    @property
    def pending(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def file_name(self) -> str:
        return f"{self.title}-{self.created_at:%Y%m%d}.{self.format}"
