"""Every page and admin screen, in zh-hans, for each persona: no English UI text is left.

What counts as English is defined in tests/core/english.py. Text made by JavaScript (the
admin's calendar, the time zone note) is checked in tests/browser/test_chinese_admin.py.
"""

import datetime
import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from imports.models import ImportJob
from imports.specs import SPECS
from orgs.choices import UnitChange
from orgs.models import Region, StandardItem, Vintage, VintageChange
from portal.models import User
from tests.conftest import QINGYUAN
from tests.core.english import english_in, visible_texts
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    DonationFactory,
    MemberFactory,
    PositionFactory,
    ServiceRecordFactory,
    StandardFactory,
)

PERSONAS = ["superuser", "county_admin", "county_staff", "city_official"]
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

#: Routes that are not pages: files, JSON, redirects after a POST, the API (English JSON).
NOT_PAGES = {
    "healthz",
    "set_language",
    "portal:logout",
    "imports:template",
    "imports:job_confirm",
    "imports:job_retry",
    "imports:progress",
    "exports:download",
    "portal:region_gaps_export",
    "portal:country_gaps_export",
}


def _routes(patterns=None, prefix=""):
    """``namespace:name`` of every named route outside the admin and the API."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in {"admin", "api"}:
                continue
            space = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _routes(entry.url_patterns, space)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


@pytest.fixture
def world(db, county_staff):
    branch = BranchFactory(name="天玉镇红十字会")
    MemberFactory(branch=branch)
    PositionFactory(branch=branch)
    ServiceRecordFactory()
    DonationFactory(branch=branch)
    campaign = CampaignFactory(name="青原区助学", region_id=QINGYUAN)
    DonationFactory(branch=branch, campaign=campaign)
    StandardFactory(region_id=QINGYUAN)
    # A vintage that closed the branch's town: the 区划变更 page has a report and a branch.
    vintage = Vintage.objects.create(name="2024", effective_on=datetime.date(2024, 6, 30))
    VintageChange.objects.create(
        vintage=vintage, change=UnitChange.CLOSED, code=branch.region_id, name="天玉镇"
    )
    Region.objects.filter(code=branch.region_id).update(valid_to=datetime.date(2024, 6, 30))
    job = ImportJob.objects.create(
        user=county_staff,
        region_id=QINGYUAN,
        kind="donations",
        file_name="捐赠.csv",
        file_size=1,
        data=b"x",
        status="done",
    )
    return {"branch": branch, "job": job, "campaign": campaign}


def _page_urls(world) -> list[str]:
    """One address of each page route (a new route fails here until it is given one)."""
    kind = next(iter(SPECS))
    args = {
        "portal:region_dashboard": [QINGYUAN],
        "portal:region_gaps": [QINGYUAN],
        "portal:branch_detail": [world["branch"].pk],
        "portal:campaign_detail": [world["campaign"].pk],
        "imports:upload": [kind],
        "imports:job_detail": [world["job"].pk],
    }
    queries = {"portal:region_search": "?q=青原"}
    urls = []
    for name in _routes():
        if name in NOT_PAGES:
            continue
        urls.append(reverse(name, args=args.get(name, [])) + queries.get(name, ""))
    return urls


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
    return urls


def _record_data() -> set[str]:
    """Values stored in rows, not interface text: usernames (pinyin or Latin), the permission
    rows Django creates in English (as the group and user forms list them), the default standard's item descriptions
    (orgs migration 0002), and django-axes' log rows (their __str__ and "<unknown>" agents)."""
    values = set()
    for user in User.objects.all():
        values.update({user.username, user.get_full_name(), user.email})
    for permission in Permission.objects.select_related("content_type"):
        values.update({permission.name, str(permission)})
    values.update(StandardItem.objects.values_list("description", flat=True))
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        for row in model.objects.all():
            values.add(str(row))
            values.update(
                str(getattr(row, f.attname) or "")
                for f in model._meta.concrete_fields
                if f.get_internal_type() in {"CharField", "TextField"}
            )
    return values - {""}


def english_on(client, url) -> tuple[int, list[str]]:
    response = client.get(url, **ZH)
    if not response.get("Content-Type", "").startswith("text/html"):
        return response.status_code, []
    texts = visible_texts(response.content.decode())
    return response.status_code, english_in(texts, record_data=_record_data())


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_is_chinese(client, request, world, persona):
    client.force_login(request.getfixturevalue(persona))
    statuses = {}
    left = {}
    for url in _page_urls(world) + _admin_urls():
        status, english = english_on(client, url)
        statuses[url] = status
        if english:
            left[f"{url} ({status})"] = english
    assert not left, "English left in zh-hans:\n" + "\n".join(
        f"{page}: {texts}" for page, texts in left.items()
    )
    assert len(statuses) > 40  # every admin screen was reached, not just a few pages
    assert 500 not in statuses.values()


def test_the_check_finds_english():
    html = (
        '<p>Filter by 到账日期</p><select><option value="">- Select an option -</option>'
        '</select><h1>403 Forbidden</h1><code>curl -H "Authorization"</code>'
        '<button lang="en">English</button><p title="Choose a date">ID · CSV · Excel</p>'
    )
    assert english_in(visible_texts(f'<html lang="en"><body>{html}</body></html>')) == [
        "Filter by 到账日期",
        "- Select an option -",
        "403 Forbidden",
        "Choose a date",
    ]


def test_a_viewer_at_the_imports_reads_what_they_may_do_instead(client, city_official):
    client.force_login(city_official)
    response = client.get(reverse("imports:job_list"), **ZH)
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403.html", "base.html"]
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "您的角色（查看）只能查看记录" in page
    assert "请联系吉安市的管理员" in page
    assert f'href="{reverse("portal:home")}"' in page
    assert f'href="{reverse("admin:index")}"' in page
    assert f'href="{reverse("imports:job_list")}"' not in page  # no link to the refused page
    assert english_in(visible_texts(page), record_data=_record_data()) == []


def test_the_admin_refuses_with_the_same_page(client, city_official):
    client.force_login(city_official)
    response = client.get(reverse("admin:funds_donation_add"), **ZH)
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]


def test_the_api_keeps_its_json_refusals(api, city_official):
    response = api(city_official, HTTP_ACCEPT_LANGUAGE="zh-hans").post("/api/v1/campaigns/", {})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "permission_denied"


def test_a_refusal_reaching_the_handler_under_api_is_json(rf, city_official):
    from core.access import AccessDenied
    from portal.views import permission_denied

    request = rf.get("/api/v1/anything/")
    request.user = city_official
    response = permission_denied(request, AccessDenied())
    assert (response.status_code, response["Content-Type"]) == (403, "application/json")
    assert json.loads(response.content)["code"] == "permission_denied"
