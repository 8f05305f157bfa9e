"""The admin's one region-scope mechanism: roles, filters, choices, errors, masks, 404s."""

import datetime

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory

from core.access import Action, UserRole, can, grantable_roles
from core.admin import (
    add_service_errors,
    choices_for,
    masked_column,
    year_filter,
)
from orgs.admin import RegionFilter
from orgs.models import Branch, Region
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU, make_user
from tests.factories import BranchFactory


def request_for(user, **query):
    request = RequestFactory().get("/", query)
    request.user = user
    return request


def branch_admin():
    return admin.site.get_model_admin(Branch)


def region_choices(user, **query) -> list[str]:
    request = request_for(user, **query)
    region_filter = RegionFilter(request, dict(request.GET.lists()), Branch, branch_admin())
    return [code for code, _ in region_filter.lookup_choices]


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (UserRole.VIEWER, Action.VIEW, True),
        (UserRole.VIEWER, Action.ADD, False),
        (UserRole.VIEWER, Action.CHANGE, False),
        (UserRole.VIEWER, Action.IMPORT, False),
        (UserRole.VIEWER, Action.VIEW_PERSONAL_DATA, False),
        (UserRole.STAFF, Action.ADD, True),
        (UserRole.STAFF, Action.REVERSE, True),
        (UserRole.STAFF, Action.APPROVE, True),
        (UserRole.STAFF, Action.DELETE, False),
        (UserRole.STAFF, Action.MANAGE_USERS, False),
        (UserRole.STAFF, Action.READ_ACCESS_LOG, False),
        (UserRole.ADMIN, Action.DELETE, True),
        (UserRole.ADMIN, Action.MANAGE_USERS, True),
        (UserRole.ADMIN, Action.READ_ACCESS_LOG, True),
        (UserRole.ADMIN, Action.MAINTAIN, False),
        (UserRole.ADMIN, Action.READ_AUDIT_TRAIL, False),
        # Separation of duties: accounts without records; the logs without anything else.
        *(
            (UserRole.SECURITY, action, action in {Action.VIEW, Action.MANAGE_USERS})
            for action in Action
        ),
        *(
            (
                UserRole.AUDITOR,
                action,
                action in {Action.VIEW, Action.READ_ACCESS_LOG, Action.READ_AUDIT_TRAIL},
            )
            for action in Action
        ),
    ],
)
def test_can_follows_the_role(db, role, action, allowed):
    user = make_user("u", region=TIANYU, role=role)
    assert can(user, action) is allowed


def test_can_lets_superusers_do_everything_and_inactive_users_nothing(superuser, county_staff):
    assert can(superuser, Action.MAINTAIN)
    county_staff.is_active = False
    assert not can(county_staff, Action.VIEW)


@pytest.mark.parametrize(
    ("role", "grantable"),
    [
        (UserRole.VIEWER, ["viewer"]),
        (UserRole.STAFF, ["viewer", "staff"]),
        (UserRole.ADMIN, ["viewer", "staff", "admin"]),
        (UserRole.SECURITY, ["viewer", "staff", "admin"]),
        (UserRole.AUDITOR, []),
    ],
)
def test_grantable_roles_stop_at_the_users_own(db, role, grantable):
    user = make_user("u", region=TIANYU, role=role)
    assert [value for value, _ in grantable_roles(user)] == grantable


def test_region_filter_offers_the_provinces_to_superusers(superuser):
    codes = region_choices(superuser)
    assert "36" in codes
    assert all(len(code) == 2 for code in codes)


def test_region_filter_offers_the_children_of_the_users_region(county_staff):
    codes = region_choices(county_staff)
    assert TIANYU in codes
    assert all(code.startswith(QINGYUAN) and len(code) == 9 for code in codes)


def test_region_filter_offers_the_way_back_up_and_the_chosen_regions_children(city_official):
    codes = region_choices(city_official, region=TIANYU)
    assert codes[:2] == [QINGYUAN, TIANYU]
    assert all(code.startswith(TIANYU) and len(code) == 12 for code in codes[2:])
    assert JIAN not in codes


def test_region_filter_ignores_a_chosen_region_outside_the_scope(county_staff):
    assert region_choices(county_staff, region=JIZHOU) == region_choices(county_staff)


def test_region_filter_narrows_rows_to_the_chosen_subtree(superuser):
    inside = BranchFactory()
    BranchFactory(region_id="360802100")
    request = request_for(superuser, region=QINGYUAN)
    region_filter = RegionFilter(request, dict(request.GET.lists()), Branch, branch_admin())
    assert list(region_filter.queryset(request, Branch.objects.all())) == [inside]


def test_region_filter_indents_regions_by_depth_below_the_users_region(city_official):
    request = request_for(city_official, region=TIANYU)
    region_filter = RegionFilter(request, dict(request.GET.lists()), Branch, branch_admin())
    labels = dict(region_filter.lookup_choices)
    assert labels[QINGYUAN] == "青原区"
    assert labels[TIANYU] == "\u3000天玉镇"


def test_year_filter_offers_the_years_of_the_users_rows(county_staff):
    BranchFactory(founded_on=datetime.date(2019, 5, 8))
    BranchFactory(founded_on=datetime.date(2021, 1, 4))
    BranchFactory(founded_on=datetime.date(2015, 1, 4), region_id="360802100")
    request = request_for(county_staff, year="2021")
    year = year_filter("founded_on")(request, dict(request.GET.lists()), Branch, branch_admin())
    assert [value for value, _ in year.lookup_choices] == ["2021", "2019"]
    assert [b.founded_on.year for b in year.queryset(request, Branch.objects.all())] == [2021]


def test_choices_follow_the_target_admins_rows(county_staff):
    inside = BranchFactory()
    BranchFactory(region_id="360802100")
    request = request_for(county_staff)
    assert list(choices_for(admin.site, Branch, request)) == [inside]
    regions = choices_for(admin.site, Region, request)
    assert not regions.exclude(code__startswith=QINGYUAN).exists()


class PlaceForm(forms.Form):
    name = forms.CharField()


def test_service_errors_show_beside_the_fields_they_name():
    form = PlaceForm({"name": "天玉"})
    form.is_valid()
    error = ValidationError({"name": "已存在", "region": "不在辖区", "__all__": "出错"})
    add_service_errors(form, error)
    assert form.errors["name"] == ["已存在"]
    assert form.non_field_errors() == ["不在辖区", "出错"]


def test_a_service_error_without_fields_shows_on_the_whole_form():
    form = PlaceForm({"name": "天玉"})
    form.is_valid()
    add_service_errors(form, ValidationError("您的角色只能查看记录。"))
    assert form.non_field_errors() == ["您的角色只能查看记录。"]


def test_masked_column_shows_the_masked_value():
    column = masked_column("phone", lambda value: value[:3] + "****", "电话")
    place = type("Place", (), {"phone": "13812345678"})()
    assert column(None, place) == "138****"
    assert column.short_description == "电话"


def test_objects_outside_the_scope_are_not_found(county_staff):
    outside = BranchFactory(region_id="360802100")
    with pytest.raises(Http404):
        branch_admin().get_object(request_for(county_staff), str(outside.pk))


def test_a_missing_object_is_not_found_rather_than_redirected(superuser):
    with pytest.raises(Http404):
        branch_admin().get_object(request_for(superuser), "0")


@pytest.mark.parametrize(
    ("persona", "view", "add", "change", "delete"),
    [
        ("city_official", True, False, False, False),
        ("county_staff", True, True, True, False),
        ("superuser", True, True, True, True),
    ],
)
def test_the_role_implies_the_permissions(db, request, persona, view, add, change, delete):
    user = request.getfixturevalue(persona)
    model_admin, http = branch_admin(), request_for(user)
    assert not user.user_permissions.exists()
    granted = (
        model_admin.has_view_permission(http),
        model_admin.has_add_permission(http),
        model_admin.has_change_permission(http),
        model_admin.has_delete_permission(http),
    )
    assert granted == (view, add, change, delete)


def test_an_administrator_deletes_in_their_subtree(db):
    county_admin = make_user("qa", region=QINGYUAN, role=UserRole.ADMIN, is_staff=True)
    assert branch_admin().has_delete_permission(request_for(county_admin), BranchFactory())


def test_nobody_may_delete_a_never_deleted_model(superuser):
    region_admin = admin.site.get_model_admin(Region)
    assert not region_admin.has_delete_permission(request_for(superuser))
