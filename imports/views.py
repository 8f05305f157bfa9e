"""Import pages: my jobs, the upload form per record type, templates, the dry run, confirm.

Staff and admins (and superusers) import; viewers get 403. A job is seen only by its
uploader (others get 404). The dry run and the import run in the background worker: the
job's page shows where they are, and with JavaScript (static/js/imports.js) it polls
``progress`` and reloads when the job's status changes.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from core.access import Action, can
from core.exports import XLSX
from imports import services
from imports.exports import export_downloaded
from imports.forms import SizeLimitUploadHandler, UploadForm, size_limit_message
from imports.models import ExportJob, ExportStatus, ImportJob, ImportStatus
from imports.progress import progress_of
from imports.specs import SPECS
from imports.workbook import column_help, template_csv, template_xlsx

ERRORS_PER_PAGE = 100


def importer_required(view):
    """Signed-in staff or admins (or superusers); viewers get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can(request.user, Action.IMPORT):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _spec(kind: str):
    if kind not in SPECS:
        raise Http404
    return SPECS[kind]


def _my_job(request, pk: int) -> ImportJob:
    """The user's own job, without its file (one query)."""
    return get_object_or_404(ImportJob.objects.defer("data"), pk=pk, user=request.user)


@require_GET
@importer_required
def job_list(request):
    """The user's recent imports; ``?status=checked`` keeps those of one status (the to-do's
    link to the dry runs not confirmed yet)."""
    jobs = ImportJob.objects.filter(user=request.user).defer("data", "errors")
    status = request.GET.get("status")
    if status in ImportStatus.values:
        jobs = jobs.filter(status=status)
    context = {"jobs": jobs[:30], "specs": SPECS.values(), "status": status}
    return render(request, "imports/job_list.html", context)


@csrf_exempt
def upload(request, kind: str):
    """The upload form; the size limit is enforced while the body is read (then CSRF)."""
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
    return _upload(request, kind)


@csrf_protect
@importer_required
def _upload(request, kind: str):
    spec = _spec(kind)
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if getattr(request, "import_too_large", False):
            return _upload_page(
                request, spec, UploadForm(), status=413, refused=size_limit_message()
            )
        if form.is_valid():
            job = _check(request, spec, form)
            return redirect("imports:job_detail", pk=job.pk)
        return _upload_page(request, spec, form, status=400)
    return _upload_page(request, spec, form)


def _check(request, spec, form) -> ImportJob:
    upload = form.cleaned_data["file"]
    return services.import_upload(
        user=request.user, kind=spec.slug, file_name=upload.name, data=upload.read()
    )


def _upload_page(request, spec, form, status=200, refused=None):
    columns = [(column, column_help(column)) for column in spec.columns]
    context = {"spec": spec, "form": form, "columns": columns, "refused": refused}
    return render(request, "imports/upload.html", context, status=status)


@require_GET
@importer_required
def template(request, kind: str):
    spec = _spec(kind)
    if request.GET.get("format") == "csv":
        content, content_type, suffix = template_csv(spec), "text/csv; charset=utf-8", "csv"
    else:
        content = template_xlsx(spec, request.user)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        suffix = "xlsx"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="import-{spec.slug}.{suffix}"'
    return response


@require_GET
@importer_required
def job_detail(request, pk: int):
    job = _my_job(request, pk)
    services.import_seen(job=job)
    errors = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "spec": SPECS.get(job.kind),
        "errors": errors,
        "abandoned": services.job_abandoned(job),
        "progress": progress_of(job.pk) if job.pending else None,
    }
    return render(request, "imports/job_detail.html", context)


def _job_action(service):
    """A POST on the user's job through ``service``; a refusal shows the page with 409."""

    @require_POST
    @importer_required
    def view(request, pk: int):
        job = _my_job(request, pk)
        try:
            service(job=job, user=request.user)
        except ValidationError as error:
            job.message = error.messages[0]
            return render(
                request,
                "imports/job_detail.html",
                {"job": job, "spec": SPECS.get(job.kind)},
                status=409,
            )
        return redirect("imports:job_detail", pk=job.pk)

    return view


job_confirm = _job_action(services.import_confirm)
job_retry = _job_action(services.import_retry)


@require_GET
@importer_required
def progress(request, pk: int):
    """The job's status and the worker's last figures (one cache read)."""
    job = _my_job(request, pk)
    return JsonResponse({"status": job.status, **progress_of(job.pk)})


@login_required
@require_GET
def export_list(request):
    """The user's files written in the background (a list too long for one request)."""
    jobs = list(ExportJob.objects.filter(user=request.user)[:30])
    context = {
        "jobs": jobs,
        "pending": any(job.pending for job in jobs),
        "retention_days": settings.EXPORT_RETENTION_DAYS,
    }
    return render(request, "imports/export_list.html", context)


@login_required
@require_GET
def export_download(request, pk: int):
    """The file of one of the user's own exports (others: 404)."""
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportStatus.DONE)
    export_downloaded(job)
    content_type = XLSX if job.format == "xlsx" else "text/csv; charset=utf-8"
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.file_name, content_type=content_type
    )
