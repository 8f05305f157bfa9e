"""Object-level authorization, exhaustively: a 青原区 user against 吉州区's and 吉安市's records.

The matrix is enumerated from the URL resolver (every API route, every admin route of every
registered ModelAdmin, every dashboard route), so a new endpoint is attacked automatically;
a route that no attack reaches fails the test. Each attempt checks its answer for the
sentinels of records the user may not see, and at the end no row outside the user's county
may have changed (one md5 per table).
"""

import io
import re
import zipfile
from collections import Counter

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from rest_framework import serializers
from rest_framework.test import APIClient

from core.access import Action, can
from core.api.filters import IdFilter, RegionCodeFilter, RegionFilter, SearchFilter
from funds.models import Campaign, Donation, Donor, Fund
from life.models import Activity, ActivityKind, EvaluationCampaign
from members.models import Member, Volunteer, VolunteerTeam
from orgs.models import Branch, Region, Standard, StandardItem
from tests.security.world import OWN, build_world, fingerprint

pytestmark = pytest.mark.django_db

#: Routes no record can be reached through, and why.
EXEMPT = {
    "api:token": "signs in; covered by test_lockout",
    "api:schema": "the schema, the same for everyone",
    "api:docs": "the docs page, the same for everyone",
    "api:not_found": "answers 404 to everything",
    "admin:login": "signs in",
    "admin:logout": "signs out",
    "admin:password_change": "the user's own password",
    "admin:password_change_done": "a message",
    "admin:jsi18n": "the admin's translations",
    "portal:login": "signs in",
    "portal:logout": "signs out",
    "set_language": "stores a language choice",
    "healthz": "database status only",
}


def create_payloads(world):
    """A valid body for each API list that records, built from the user's own records."""
    own = world.own.records
    branch, standard = own[Branch][0], own[Standard][0]
    return {
        "branch": {
            "name": "新学校红十字会",
            "region": world.own.township,
            "kind": "school",
            "founded_on": "2024-01-01",
        },
        "standard": {
            "code": "new-std",
            "name": "新标准",
            "region": OWN,
            "items": [{"number": 1, "title": "带头人"}],
        },
        "assessment": {
            "branch": branch.pk,
            "standard": standard.pk,
            "assessed_on": "2024-02-01",
            "items_met": [own[StandardItem][0].pk],
        },
        "member": {
            "branch": branch.pk,
            "kind": "individual",
            "name": "新会员",
            "joined_on": "2024-01-01",
        },
        "position": {
            "branch": branch.pk,
            "role": "council_member",
            "holder_name": "新理事",
            "member": own[Member][0].pk,
            "started_on": "2024-01-01",
        },
        "volunteerteam": {"branch": branch.pk, "name": "新志愿服务队", "service_type": "emergency"},
        "volunteer": {
            "branch": branch.pk,
            "team": own[VolunteerTeam][0].pk,
            "name": "新志愿者",
            "registered_on": "2024-01-01",
        },
        "servicerecord": {
            "volunteer": own[Volunteer][0].pk,
            "team": own[VolunteerTeam][0].pk,
            "served_on": "2024-01-02",
            "hours": "2.0",
            "activity": "培训",
        },
        "donor": {"kind": "enterprise", "name": "新捐赠企业", "region": OWN},
        "campaign": {
            "name": "新项目",
            "kind": "project",
            "region": OWN,
            "starts_on": "2024-01-01",
            "parent": world.city.records[Campaign][0].pk,
        },
        "donation": {
            "branch": branch.pk,
            "amount": "10.00",
            "channel": "bank",
            "received_on": "2024-01-02",
            "campaign": own[Campaign][0].pk,
            "donor": own[Donor][0].pk,
        },
        "fund": {"branch": branch.pk, "kind": "designated", "name": "新资金", "project": "新项目"},
        "spending": {
            "fund": own[Fund][0].pk,
            "amount": "1.00",
            "category": "project",
            "spent_on": "2024-01-11",
            "payee": "新收款人",
            "purpose": "新用途",
            "voucher_no": "NEW-V1",
            "project": own[Fund][0].project,
        },
        "activity": {
            "branch": branch.pk,
            "kind": own[ActivityKind][0].pk,
            "held_on": "2024-02-01",
            "place": "新活动地点",
        },
        "rectification": {
            "branch": branch.pk,
            "problems": "新问题",
            "measures": "新措施",
            "responsible": "新责任人",
            "deadline": "2099-12-31",
        },
        "evaluation-campaign": {
            "year": 2025,
            "region": OWN,
            "level": "township",
            "standard": standard.pk,
            "scale": "grades",
            "self_assessment_due": "2025-12-31",
        },
        "community-request": {
            "region": own[Region][-1].code,
            "team": own[VolunteerTeam][0].pk,
            "summary": "新诉求",
            "received_at": "2024-03-02T09:00:00+08:00",
        },
        "evaluation": {
            "campaign": own[EvaluationCampaign][0].pk,
            "branch": branch.pk,
            "items_met": [own[StandardItem][0].pk],
            "activities": [own[Activity][0].pk],
            "self_assessment": "新自评",
        },
    }


def text_of(response) -> str:
    """The answer as text: JSON, HTML, CSV, or the XML inside an XLSX."""
    content = getattr(response, "content", b"")
    if hasattr(response, "streaming_content"):
        content = b"".join(response.streaming_content)
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "".join(book.read(name).decode(errors="ignore") for name in book.namelist())
    return content.decode("utf-8", errors="ignore") + " " + response.get("Location", "")


def routes():
    """(name, pattern string, callback) of every named route, with namespaces."""
    found = []

    def walk(resolver, prefix="", namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append((namespace + entry.name, prefix + str(entry.pattern), entry.callback))

    walk(get_resolver())
    return found


class Matrix:
    """Runs attempts as one user, records which routes they reached and any leak."""

    def __init__(self, world, user):
        self.world = world
        self.user = user
        self.api = APIClient()
        self.api.force_authenticate(user)
        self.browser = Client()
        self.browser.force_login(user)
        self.attempts = Counter()
        self.covered: set[str] = set()
        self.leaks: list[str] = []

    def check(self, route, kind, response, *, sentinels, allowed=(), denied_ok=True):
        """Count the attempt; a forbidden sentinel in the answer, or a success, is a leak."""
        self.covered.add(route)
        self.attempts[kind] += 1
        body = text_of(response)
        shown = [s for s in sentinels if s in body]
        status = response.status_code
        if shown:
            self.leaks.append(
                f"{kind} {route} {response.request.get('PATH_INFO')} "
                f"{response.request.get('QUERY_STRING', '')} shows {shown}"
            )
        if status >= 500 or (allowed and status not in allowed):
            self.leaks.append(f"{kind} {route} {response.request.get('PATH_INFO')}: {status}")


# API ---------------------------------------------------------------------------------------


def api_viewsets():
    """(route name prefix, viewset, pattern) per router route of /api/v1/."""
    for name, pattern, callback in routes():
        if name.startswith("api:") and hasattr(callback, "cls") and hasattr(callback, "actions"):
            yield name, callback.cls, callback.actions, pattern


def filter_values(world, viewset, name, filter_):
    model = viewset.queryset.model
    if isinstance(filter_, RegionFilter | RegionCodeFilter):
        return world.foreign_codes()
    if isinstance(filter_, IdFilter):
        related = model._meta.get_field(filter_.field_name).related_model
        return world.forbidden_ids(related)
    if isinstance(filter_, SearchFilter):
        return [world.sibling.sentinel[:-1], world.city.sentinel[:-1], "吉州"]
    if name == "parent" and model is Region:
        return world.foreign_codes()
    return []


def attack_api(m: Matrix, world):
    payloads = create_payloads(world)
    for name, viewset, actions, pattern in api_viewsets():
        model = viewset.queryset.model
        sentinels = world.forbidden_sentinels(model)
        basename = name.split(":")[1].rsplit("-", 1)[0]
        detail = "<pk>" in pattern or "(?P<pk>" in pattern or "(?P<code>" in pattern
        if name.endswith("-list"):
            url = reverse(name)
            m.check(name, "api list", m.api.get(url), sentinels=sentinels, allowed=(200,))
            m.check(
                name,
                "api export",
                m.api.get(url, {"format": "json", "page_size": 1000}),
                sentinels=sentinels,
                allowed=(200,),
            )
            filterset = viewset.filterset_class
            for fname, filter_ in filterset.base_filters.items() if filterset else []:
                for value in filter_values(world, viewset, fname, filter_):
                    m.check(
                        name,
                        "api filter",
                        m.api.get(url, {fname: value}),
                        sentinels=sentinels,
                        allowed=(200, 400),
                    )
            if "post" not in viewset.http_method_names:
                m.check(
                    name,
                    "api create",
                    m.api.post(url, {"region": world.sibling.county}),
                    sentinels=sentinels,
                    allowed=(403, 405),
                )
            else:
                assert basename in payloads, f"no create payload for {name}: add one"
                attack_api_create(m, world, name, viewset, payloads[basename])
        elif detail:
            ids = world.foreign_ids(model) if model is not Region else world.foreign_codes()
            kwarg = "code" if "(?P<code>" in pattern else "pk"
            for pk in ids:
                url = reverse(name, kwargs={kwarg: pk})
                readable = world.readable(model, pk)
                action = not name.endswith("-detail")
                for method in ("get", "post", "put", "patch", "delete"):
                    if method == "get":
                        m.check(
                            name,
                            "api read",
                            m.api.get(url),
                            sentinels=sentinels,
                            # An action is a POST (405) or reads the record (404 to outsiders).
                            allowed=(404, 405) if action else (200, 404) if readable else (404,),
                        )
                    else:
                        call = getattr(m.api, method)
                        body = {
                            "name": "改名",
                            "reason": "测试",
                            "dissolved_on": "2024-01-01",
                            "left_on": "2024-01-01",
                            "ended_on": "2024-01-01",
                        }
                        kind = {
                            "put": "api update",
                            "patch": "api update",
                            "delete": "api delete",
                        }.get(method, "api action")
                        m.check(
                            name,
                            kind,
                            call(url, body),
                            sentinels=sentinels,
                            allowed=(403, 404, 405),
                        )
        # Figures of a region: a foreign code is not found. (DRF adds "head" beside "get" to
        # a route's actions once it has answered.)
        elif set(actions) <= {"get", "head"}:
            url = reverse(name)
            for code in world.foreign_codes():
                m.check(
                    name,
                    "api read",
                    m.api.get(url, {"region": code}),
                    sentinels=sentinels,
                    allowed=(400, 404),
                )
            m.check(name, "api read", m.api.get(url), sentinels=sentinels, allowed=(200,))
        else:  # list actions: ids in the body
            url = reverse(name)
            for method in list(actions):
                body = {"ids": world.foreign_ids(model)}
                m.check(
                    name,
                    "api action",
                    getattr(m.api, method)(url, body),
                    sentinels=sentinels,
                    allowed=(400, 403),
                )


def attack_api_create(m: Matrix, world, name, viewset, payload):
    url = reverse(name)
    serializer = viewset.serializer_class()
    model = viewset.queryset.model
    control = m.api.post(url, payload)
    if can(m.user, Action.ADD, model):  # the payload is valid: refusals below are for the FK
        assert control.status_code == 201, (name, control.json())
    for field_name, field_ in serializer.fields.items():
        if field_.read_only:
            continue
        related_field = getattr(field_, "child_relation", field_)
        if not isinstance(related_field, serializers.RelatedField):
            continue
        related = model._meta.get_field(field_.source).related_model
        values = world.foreign_codes() if related is Region else world.forbidden_ids(related)
        for value in values:
            body = {**payload, field_name: [value] if field_ is not related_field else value}
            if "code" in body:
                body["code"] = f"x{value}"
            m.check(
                name,
                "api create",
                m.api.post(
                    url,
                    body,
                    HTTP_IDEMPOTENCY_KEY=f"k-{name}-{value}" if model is Donation else None,
                ),
                sentinels=world.forbidden_sentinels(model),
                allowed=(400, 403),
            )


def attack_api_views(m: Matrix, world):
    for name, pattern, callback in routes():
        if not name.startswith("api:") or hasattr(callback, "actions") or name in EXEMPT:
            continue
        if "<region:code>" in pattern:
            for code in world.foreign_codes():
                for query in ({}, {"year": 2019}, {"level": "township"}):
                    m.check(
                        name,
                        "api read",
                        m.api.get(reverse(name, kwargs={"code": code}), query),
                        sentinels=world.forbidden_sentinels(),
                        allowed=(400, 404),
                    )
        else:
            m.check(
                name,
                "api read",
                m.api.get(reverse(name)),
                sentinels=world.forbidden_sentinels(),
                allowed=(200, 404),
            )


# Admin -------------------------------------------------------------------------------------


def admin_url(kind, model, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{kind}", args=args)


def changelist_queries(world, model_admin):
    """Query strings that could carry an id or a code into a changelist."""
    model = model_admin.model
    yield {}
    # A prefix of the sentinel: the page may echo the term, not the record.
    for sentinel in (world.sibling.sentinel, world.city.sentinel):
        yield {"q": sentinel[:-1]}
    for list_filter in model_admin.list_filter:
        if isinstance(list_filter, str):
            field_ = model._meta.get_field(list_filter.split("__")[0])
            if field_.is_relation:
                for pk in world.forbidden_ids(field_.related_model):
                    yield {f"{field_.name}__id__exact": pk}
        elif getattr(list_filter, "parameter_name", None) == "region":
            for code in world.foreign_codes():
                yield {"region": code}
    for field_ in model._meta.get_fields():
        if field_.many_to_one and field_.concrete:
            for pk in world.forbidden_ids(field_.related_model)[:2]:
                yield {f"{field_.name}__id__exact": pk}


def attack_admin(m: Matrix, world):
    for model, model_admin in admin.site._registry.items():
        sentinels = world.forbidden_sentinels(model)
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for query in changelist_queries(world, model_admin):
            m.check(
                f"{info}_changelist",
                "admin list",
                m.browser.get(admin_url("changelist", model), query),
                sentinels=sentinels,
                allowed=(200, 302, 403),
            )
        try:
            export = reverse(f"{info}_export")
        except NoReverseMatch:
            export = None
        if export:
            for query in changelist_queries(world, model_admin):
                for fmt in ("csv", "xlsx"):
                    m.check(
                        f"{info}_export",
                        "admin export",
                        m.browser.get(export, {**query, "format": fmt}),
                        sentinels=sentinels,
                        allowed=(200, 302, 400, 403, 404),
                    )
            m.check(
                f"{info}_export",
                "admin export",
                m.browser.post(export, {"format": "csv"}),
                sentinels=sentinels,
                allowed=(200, 302, 400, 403, 404, 405),
            )
        # Models the world has no records of: every row there is, and an id that may not exist.
        ids = world.foreign_ids(model) or [
            *model._default_manager.values_list("pk", flat=True)[:3],
            "1",
        ]
        for pk in ids:
            readable = world.readable(model, pk)
            ok = (200, 302, 403, 404) if readable else (302, 403, 404)
            for kind in ("change", "history", "delete"):
                url = admin_url(kind, model, pk)
                m.check(
                    f"{info}_{kind}",
                    f"admin {kind}",
                    m.browser.get(url),
                    sentinels=[] if readable else sentinels,
                    allowed=ok,
                )
                data = {"post": "yes", "name": "改名", "reason": "测试"}
                m.check(
                    f"{info}_{kind}",
                    f"admin {kind}",
                    m.browser.post(url, data),
                    sentinels=[] if readable else sentinels,
                    allowed=(302, 403, 404) if kind == "delete" else ok,
                )
            for extra in ("reverse", "password", "two_factor_reset", "attachment", "issue_token"):
                name = (
                    "admin:auth_user_password_change" if extra == "password" else f"{info}_{extra}"
                )
                try:
                    url = reverse(name, args=[pk])
                except NoReverseMatch:
                    continue
                if extra == "password" and model._meta.model_name != "user":
                    continue
                m.check(
                    name,
                    f"admin {extra}",
                    m.browser.get(url),
                    sentinels=sentinels,
                    allowed=(302, 403, 404),
                )
                body = {
                    "reason": "测试",
                    "password1": "Xx-12345678-q",
                    "password2": "Xx-12345678-q",
                }
                m.check(
                    name,
                    f"admin {extra}",
                    m.browser.post(url, body),
                    sentinels=sentinels,
                    allowed=(302, 403, 404),
                )
            content_type = ContentType.objects.get_for_model(model)
            m.check(
                "admin:view_on_site",
                "admin view on site",
                m.browser.get(
                    reverse("admin:view_on_site", args=[content_type.pk, pk]), follow=True
                ),
                sentinels=sentinels,
                allowed=(200, 302, 403, 404),
            )
        m.check(
            f"{info}_add",
            "admin add",
            m.browser.get(admin_url("add", model)),
            sentinels=sentinels,
            allowed=(200, 403),
        )
        attack_admin_choices(m, world, model_admin)
        attack_autocomplete(m, world, model_admin)
    for app_label in {model._meta.app_label for model in admin.site._registry}:
        m.check(
            "admin:app_list",
            "admin list",
            m.browser.get(reverse("admin:app_list", args=[app_label])),
            sentinels=world.forbidden_sentinels(),
            allowed=(200, 403, 404),
        )
    m.check(
        "admin:index",
        "admin list",
        m.browser.get(reverse("admin:index")),
        sentinels=world.forbidden_sentinels(),
        allowed=(200,),
    )


def attack_admin_choices(m: Matrix, world, model_admin):
    """Every foreign key the add form offers: foreign ids must not be among its choices."""
    request = RequestFactory().get("/")
    request.user = m.user
    if not model_admin.has_add_permission(request):
        return
    for inline in [model_admin, *model_admin.get_inline_instances(request)]:
        form = (
            inline.get_formset(request).form
            if inline is not model_admin
            else model_admin.get_form(request)
        )
        for field_name, form_field in form.base_fields.items():
            queryset = getattr(form_field, "queryset", None)
            if queryset is None:
                continue
            for pk in world.forbidden_ids(queryset.model):
                m.attempts["admin form choice"] += 1
                m.covered.add(
                    f"admin:{model_admin.model._meta.app_label}_{model_admin.model._meta.model_name}_add"
                )
                if queryset.filter(pk=pk).exists():
                    m.leaks.append(
                        f"admin choice {inline} {field_name} offers {queryset.model.__name__} {pk}"
                    )


def attack_autocomplete(m: Matrix, world, model_admin):
    request = RequestFactory().get("/")
    request.user = m.user
    for inline in [model_admin, *model_admin.get_inline_instances(request)]:
        source = inline.model
        for field_name in inline.autocomplete_fields:
            related = source._meta.get_field(field_name).related_model
            forbidden = {str(pk) for pk in world.forbidden_ids(related)}
            for term in ("", world.sibling.sentinel[:-1], world.city.sentinel[:-1], "吉州", "3608"):
                query = {
                    "app_label": source._meta.app_label,
                    "model_name": source._meta.model_name,
                    "field_name": field_name,
                    "term": term,
                }
                response = m.browser.get(reverse("admin:autocomplete"), query)
                m.check(
                    "admin:autocomplete",
                    "admin autocomplete",
                    response,
                    sentinels=world.forbidden_sentinels(related),
                    allowed=(200, 403),
                )
                if response.status_code == 200:
                    ids = {str(item["id"]) for item in response.json()["results"]}
                    if ids & forbidden:
                        m.leaks.append(
                            f"autocomplete {source.__name__}.{field_name} offers {ids & forbidden}"
                        )


# Dashboards --------------------------------------------------------------------------------


#: The records a page with ``<int:pk>`` shows, by route name (else a branch).
PAGE_RECORDS = {"portal:campaign_detail": Campaign}


def attack_pages(m: Matrix, world):
    sentinels = world.forbidden_sentinels()
    foreign_links = [f"/regions/{code}/" for code in (world.sibling.county, world.sibling.township)]
    for name, pattern, _callback in routes():
        if not name.startswith("portal:") or name in EXEMPT:
            continue
        if "<region:code>" in pattern:
            for code in world.foreign_codes():
                for query in ({}, {"year": 2019}, {"level": "township"}, {"format": "csv"}):
                    m.check(
                        name,
                        "page read",
                        m.browser.get(reverse(name, kwargs={"code": code}), query),
                        sentinels=sentinels,
                        allowed=(404,),
                    )
        elif "<int:pk>" in pattern:
            for pk in world.forbidden_ids(PAGE_RECORDS.get(name, Branch)):
                m.check(
                    name,
                    "page read",
                    m.browser.get(reverse(name, kwargs={"pk": pk})),
                    sentinels=sentinels,
                    allowed=(404,),
                )
        else:
            for query in (
                {},
                {"q": world.sibling.sentinel[:-1]},
                {"q": "吉州"},
                {"q": world.sibling.county},
                {"region": world.sibling.county},
                {"level": "township"},
            ):
                response = m.browser.get(reverse(name), query, follow=True)
                m.check(
                    name,
                    "page read",
                    response,
                    sentinels=sentinels + foreign_links,
                    allowed=(200, 400, 404),
                )
    own = world.own.records[Branch][0].pk
    m.check(
        "portal:branch_detail",
        "page read (control)",
        m.browser.get(reverse("portal:branch_detail", kwargs={"pk": own})),
        sentinels=sentinels,
        allowed=(200,),
    )
    # The city's campaign is read from below, its money only in the reader's own part: the
    # city branch's gift (777.77) is not.
    city_campaign = world.city.records[Campaign][0].pk
    m.check(
        "portal:campaign_detail",
        "page read (control: the city's campaign, own part)",
        m.browser.get(reverse("portal:campaign_detail", kwargs={"pk": city_campaign})),
        sentinels=[world.sibling.sentinel, "777.77", *foreign_links],
        allowed=(200,),
    )


# Other apps' pages -------------------------------------------------------------------------

KNOWN_NAMESPACES = ("api:", "admin:", "portal:")


def path_values(world, converter: str, name: str) -> list:
    """Candidates for a path parameter: foreign ids for ids, codes and kinds for words."""
    if converter == "int" or name in {"pk", "id"} or name.endswith("_id"):
        ids = {pk for model in world.sibling.records for pk in world.foreign_ids(model)}
        return sorted(pk for pk in ids if isinstance(pk, int))[:40]
    kinds = ["donations", "members", "branches", "volunteers", "donors", "campaigns"]
    return [*world.foreign_codes(), *kinds, world.sibling.sentinel[:-1]]


def attack_other_routes(m: Matrix, world):
    """Routes of apps the matrix has no specific attack for: every path parameter is tried
    with foreign ids or codes, by GET and POST; no answer may show a foreign record."""
    sentinels = world.forbidden_sentinels()
    for name, pattern, _callback in routes():
        if name.startswith(KNOWN_NAMESPACES) or name in EXEMPT:
            continue
        parameters = re.findall(r"<(?:(\w+):)?(\w+)>", pattern)
        combos = [{}]
        for converter, parameter in parameters:
            combos = [
                {**c, parameter: v}
                for c in combos
                for v in path_values(world, converter, parameter)
            ]
        for kwargs in combos[:60]:
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            for method in ("get", "post"):
                response = getattr(m.browser, method)(url, {"region": world.sibling.county})
                m.check(name, "other page", response, sentinels=sentinels)


@pytest.mark.parametrize("persona", ["county_staff", "county_admin"])
def test_a_county_user_reaches_nothing_of_the_sibling_county_or_the_city(request, persona):
    world = build_world()
    user = request.getfixturevalue(persona)
    before = fingerprint(world)
    matrix = Matrix(world, user)
    attack_api(matrix, world)
    attack_api_views(matrix, world)
    attack_admin(matrix, world)
    attack_pages(matrix, world)
    attack_other_routes(matrix, world)

    after = fingerprint(world)
    changed = [table for table in before if before[table] != after[table]]
    uncovered = sorted({name for name, _, _ in routes()} - matrix.covered - set(EXEMPT))
    total = sum(matrix.attempts.values())
    print(
        f"\nauthorization matrix as {persona}: {total} attempts, "
        f"{len(matrix.covered)} routes, {len(matrix.leaks)} leaks, {len(changed)} tables changed"
    )
    for kind, count in sorted(matrix.attempts.items()):
        print(f"  {kind:22} {count}")
    assert not matrix.leaks, "\n".join(matrix.leaks[:40])
    assert not uncovered, f"routes no attempt reaches: {uncovered}"
    assert not changed, changed


def test_the_matrix_sees_its_own_county(county_staff, api):
    """The control: the same checks find the user's own records, so they can fail."""
    world = build_world()
    client = api(county_staff)
    body = client.get("/api/v1/members/", {"search": world.own.sentinel}).content.decode()
    assert world.own.sentinel in body
    assert client.get(f"/api/v1/branches/{world.own.records[Branch][0].pk}/").status_code == 200
