"""Pages officials and staff open in the browser: thin views over the dashboard selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import AccessDenied, Action, can, is_signed_in, sees_country
from core.audit import AuditKind, Outcome, log_security_event
from core.exports import CHUNK_SIZE, FORMAT_VAR, WRITERS
from core.todo import todo_list
from funds.selectors import campaign_figures, campaign_get
from orgs.choices import CODE_LENGTH
from orgs.selectors import branch_get, region_exact, region_paths, region_search
from portal.forms import GapLevelForm, RegionSearchForm, YearForm
from portal.models import Session
from portal.tokens import api_token_list, api_token_revoke
from reports import dashboard

#: Uncovered units per page of the gap list.
GAPS_PER_PAGE = 100


@require_GET
@login_required
def home(request):
    """The to-do list of the user's region over its dashboard; the whole country for
    superusers."""
    region = None if sees_country(request.user) else request.user.region
    return _dashboard(request, region=region, todo=todo_list(user=request.user))


@require_GET
@login_required
def region_dashboard(request, code: str):
    """The dashboard of a region in the user's scope (404 outside it)."""
    return _dashboard(request, region=dashboard.region_get(user=request.user, code=code))


def _dashboard(request, *, region, todo=None):
    form = YearForm(request.GET)
    year = form.selected_year() if form.is_bound else dashboard.latest_year(region=region)
    context = dashboard.region_dashboard(user=request.user, region=region, year=year)
    context.update(region=region, year=year, year_form=YearForm(initial={"year": year}), todo=todo)
    return render(request, "portal/dashboard.html", context)


@require_GET
@login_required
def region_gaps(request, code: str):
    """The units at a level under the region that have no active territorial branch."""
    return _gaps(request, region=dashboard.region_get(user=request.user, code=code))


@require_GET
@login_required
def country_gaps(request):
    """The uncovered units of the whole country: superusers only (404 for everyone else)."""
    if not sees_country(request.user):
        raise Http404
    return _gaps(request, region=None)


@require_GET
@login_required
def region_gaps_export(request, code: str):
    """The region's gap list, with the page's level and child filter, as a CSV or Excel file."""
    return _gaps_export(request, region=dashboard.region_get(user=request.user, code=code))


@require_GET
@login_required
def country_gaps_export(request):
    """The country's gap list as a file: superusers only (404 for everyone else)."""
    if not sees_country(request.user):
        raise Http404
    return _gaps_export(request, region=None)


def _gap_filters(request, *, region) -> dict:
    """The gap list's level and child region from the query string (404: no level below the
    region, or a child that is not one of the region's children in the user's scope)."""
    form = GapLevelForm(request.GET, code=region.code if region else None)
    if not form.levels:
        raise Http404
    level = form.selected_level()
    children = dashboard.gap_children(user=request.user, region=region, level=level)
    child = dashboard.gap_child(children, request.GET.get("child"))
    return {
        "region": region,
        "place": region.name if region else _("Whole country"),
        "level": level,
        "form": form,
        "children": children,
        "child": child,
        # Units below the region's children (a city's townships): which child each lies in.
        "by_child": CODE_LENGTH[level] > dashboard.child_length(region),
        "gaps": dashboard.region_gap_list(region=region, level=level, child=child),
    }


def _gaps(request, *, region):
    context = _gap_filters(request, region=region)
    page = Paginator(context.pop("gaps"), GAPS_PER_PAGE).get_page(request.GET.get("page"))
    context.update(
        page=page,
        as_of=timezone.now(),
        breadcrumbs=dashboard.region_breadcrumbs(user=request.user, region=region),
    )
    return render(request, "portal/region_gaps.html", context)


def _gaps_export(request, *, region):
    context = _gap_filters(request, region=region)
    format_ = request.GET.get(FORMAT_VAR, "csv")
    if format_ not in WRITERS:
        return HttpResponseBadRequest(_("Choose the file format: csv or xlsx."))
    extension, respond = WRITERS[format_]
    place = context["child"].name if context["child"] else context["place"]
    name = _("Coverage gaps")
    filename = f"{name} {place} {context['level'].label}-{timezone.localdate():%Y%m%d}.{extension}"
    header, rows = dashboard.gap_table(context["gaps"], chunk_size=CHUNK_SIZE)
    return respond(header, rows, filename=filename)


@require_GET
@login_required
def search(request):
    """Regions in scope by name or code: an exact code or name, or one match, opens its
    dashboard; several are listed with their paths (吉安市 › 青原区 › 新圩镇 › 新圩村委会)."""
    form = RegionSearchForm(request.GET)
    query = form.query()
    regions = list(region_search(user=request.user, query=query))
    exact = region_exact(user=request.user, query=query) if len(regions) > 1 else None
    if len(regions) == 1 or exact is not None:
        target = exact or regions[0]
        return redirect(reverse("portal:region_dashboard", args=[target.code]))
    paths = region_paths(regions)
    for region in regions:
        region.path = [name for _code, name in paths[region.code]]
    context = {"form": form, "search_query": query, "regions": regions}
    return render(request, "portal/search.html", context)


@require_GET
@login_required
def branch_detail(request, pk: int):
    """A branch: details, leadership, teams, members, money, latest assessment, and its
    branch life of a year (``?year=``; else the latest year of its ledger)."""
    branch = branch_get(user=request.user, pk=pk)
    form = YearForm(request.GET)
    year = form.selected_year() if form.is_bound else None
    context = {
        "branch": branch,
        "panels": dashboard.branch_panels(branch=branch),
        "life": dashboard.branch_life_panel(branch=branch, year=year),
        "as_of": timezone.now(),
    }
    return render(request, "orgs/branch_detail.html", context)


@require_GET
@login_required
def campaign_detail(request, pk: int):
    """A campaign: its target, the money raised and the goods, its designated funds'
    received, spent and balance, per child region of the part the user sees, and what its
    funds paid for per project and category."""
    campaign = campaign_get(user=request.user, pk=pk)
    context = {
        "figures": campaign_figures(user=request.user, campaign=campaign),
        "as_of": timezone.now(),
    }
    return render(request, "funds/campaign_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def sessions(request):
    """The user's own sessions, this one first, and their API tokens; POST ends one session
    (``end``: its handle) or every other one (``end`` = ``others``), or revokes one of their
    tokens (``revoke``: its id)."""
    if request.method == "POST":
        if "revoke" in request.POST:
            return _revoke_own_token(request, request.POST["revoke"])
        if "digest" in request.POST:
            return _set_digest(request, request.POST["digest"] == "on")
        return _end_sessions(request, request.POST.get("end", ""))
    mine = Session.objects.filter(user=request.user, expire_date__gt=timezone.now())
    current = request.session.session_key
    rows = sorted(
        mine,
        key=lambda s: (s.session_key != current, -(s.last_seen or s.expire_date).timestamp()),
    )
    context = {"sessions": rows, "current": current, "tokens": api_token_list(user=request.user)}
    return render(request, "registration/sessions.html", context)


def _end_sessions(request, end: str):
    mine = Session.objects.filter(user=request.user, expire_date__gt=timezone.now())
    current = request.session.session_key
    others = [session for session in mine if session.session_key != current]
    ended = [s.session_key for s in others if end in ("others", s.handle)]
    if end != "others" and not ended:
        raise Http404(_("No such session of yours."))
    count = Session.objects.filter(session_key__in=ended).delete()[0]
    messages.success(request, _("Sessions ended: %(count)d.") % {"count": count})
    return redirect("portal:sessions")


def _set_digest(request, on: bool):
    """Turn the user's own weekly to-do email on or off."""
    request.user.todo_digest = on
    request.user.save(update_fields=["todo_digest"])
    if on:
        messages.success(request, _("The weekly to-do email is on."))
    else:
        messages.success(request, _("The weekly to-do email is off."))
    return redirect("portal:sessions")


def _revoke_own_token(request, token_id: str):
    """Revoke one of the user's own API tokens (anyone else's: 404)."""
    token = (
        api_token_list(user=request.user).filter(pk=token_id).first()
        if token_id.isdigit()
        else None
    )
    if token is None:
        raise Http404(_("No such API token of yours."))
    api_token_revoke(token=token, user=request.user, request=request)
    messages.success(request, _("The API token %(name)s is revoked.") % {"name": token.name})
    return redirect("portal:sessions")


def permission_denied(request, exception=None):
    """Every PermissionDenied of a page (handler403): what the user's role allows instead.

    The API answers its refusals itself ({"detail", "code"} JSON, core.api.base); a refusal
    that reaches this handler under /api/ gets the same shape, never an HTML page.
    """
    log_security_event(
        AuditKind.PERMISSION_DENIED,
        request=request,
        outcome=Outcome.FAILURE,
        detail={"method": request.method, "path": request.path, "message": str(exception or "")},
    )
    if request.path.startswith("/api/"):
        detail = str(exception) or str(AccessDenied.default_message)
        return JsonResponse({"detail": detail, "code": "permission_denied"}, status=403)
    user = request.user
    message = str(exception) if isinstance(exception, AccessDenied) else ""
    context = {
        "message": message,
        "signed_in": is_signed_in(user),
        "role": user.get_role_display() if is_signed_in(user) and user.role else "",
        # A role that may only read records (viewers, and the security and audit roles).
        "is_viewer": is_signed_in(user) and not can(user, Action.CHANGE),
        "scope_region": None if sees_country(user) else getattr(user, "region", None),
    }
    return render(request, "403.html", context, status=403)
