"""Every choice an admin list offers in its filter sidebar lies in the user's scope."""

import pytest
from django.contrib import admin
from django.contrib.admin import RelatedFieldListFilter
from django.test import Client
from django.urls import reverse

from core.admin import choices_for
from orgs.models import Standard
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


def changelists():
    for model, model_admin in admin.site._registry.items():
        yield (
            model,
            model_admin,
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        )


def related_choices_outside_scope(request, changelist) -> list[str]:
    """The related-field filter choices that the user's own choice lists do not hold."""
    outside = []
    for spec in changelist.filter_specs:
        if not isinstance(spec, RelatedFieldListFilter):
            continue
        related = spec.field.related_model
        allowed = set(choices_for(admin.site, related, request).values_list("pk", flat=True))
        outside += [
            f"{changelist.model.__name__}.{spec.field_path}={pk} ({label})"
            for pk, label in spec.lookup_choices
            if pk not in allowed
        ]
    return outside


@pytest.mark.parametrize("persona", ["county_staff", "county_admin", "city_official"])
def test_no_filter_offers_a_record_outside_the_users_scope(request, persona):
    world = build_world()
    user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user)
    leaks, checked = [], 0
    for model, _model_admin, url in changelists():
        answer = client.get(url)
        if answer.status_code != 200:
            continue
        checked += 1
        changelist = answer.context["cl"]
        leaks += related_choices_outside_scope(answer.wsgi_request, changelist)
        if persona != "city_official":
            html = answer.content.decode()
            leaks += [f"{url}: {s}" for s in world.forbidden_sentinels(model) if s in html]
    assert checked >= 10
    assert leaks == []


def test_the_assessment_filter_leaves_out_the_sibling_countys_standards(client, county_staff):
    world = build_world()
    client.force_login(county_staff)
    answer = client.get(reverse("admin:orgs_assessment_changelist"))
    (standards,) = [
        spec
        for spec in answer.context["cl"].filter_specs
        if getattr(spec, "field_path", None) == "standard"
    ]
    offered = {pk for pk, _label in standards.lookup_choices}
    sibling = {standard.pk for standard in world.sibling.records[Standard]}
    city = {standard.pk for standard in world.city.records[Standard]}
    assert sibling and city
    assert not offered & sibling
    assert city <= offered  # the city's standards apply in the county: readable by design
