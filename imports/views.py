"""Import pages: my jobs, the upload form per record type, templates, the dry run, confirm.

Staff and admins (and superusers) import; viewers get 403. A job is seen only by its
uploader (others get 404). The forms work without JavaScript; with it (static/js/imports.js)
they are sent with fetch() while the page polls ``progress``.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from core.access import Action, can
from imports import services
from imports.forms import SizeLimitUploadHandler, UploadForm, size_limit_message
from imports.models import ImportJob
from imports.progress import Progress, progress_of
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
    jobs = ImportJob.objects.filter(user=request.user).defer("data", "errors")[:30]
    return render(request, "imports/job_list.html", {"jobs": jobs, "specs": SPECS.values()})


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
    progress = Progress(request.user.pk, form.cleaned_data["progress"])
    job = services.import_check(
        user=request.user,
        kind=spec.slug,
        file_name=upload.name,
        data=upload.read(),
        progress=progress,
    )
    progress.finish()
    return job


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
        content = template_xlsx(spec)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        suffix = "xlsx"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="import-{spec.slug}.{suffix}"'
    return response


@require_GET
@importer_required
def job_detail(request, pk: int):
    job = _my_job(request, pk)
    errors = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"job": job, "spec": SPECS.get(job.kind), "errors": errors}
    return render(request, "imports/job_detail.html", context)


@require_POST
@importer_required
def job_confirm(request, pk: int):
    job = _my_job(request, pk)
    progress = Progress(request.user.pk, request.POST.get("progress"))
    try:
        services.import_confirm(job=job, user=request.user, request=request, progress=progress)
    except ValidationError as error:
        job.message = error.messages[0]
        return render(
            request,
            "imports/job_detail.html",
            {"job": job, "spec": SPECS.get(job.kind)},
            status=409,
        )
    finally:
        progress.finish()
    return redirect("imports:job_detail", pk=job.pk)


@require_GET
@importer_required
def progress(request, token: str):
    return JsonResponse(progress_of(request.user.pk, token))
