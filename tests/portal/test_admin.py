"""The admin site as each persona meets it, and the accounts screen."""

import pytest
from django.contrib import admin
from django.urls import reverse

from core.access import UserRole
from portal.models import User
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU, make_user

#: Every model of the admin and the roles that see its list (superusers see them all).
SCREENS = {
    "orgs_region": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "orgs_branch": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "orgs_standard": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "orgs_assessment": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "members_member": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "members_position": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "members_volunteerteam": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "members_volunteer": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "members_servicerecord": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "funds_donor": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "funds_campaign": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "funds_donation": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "life_activitykind": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "life_requirement": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "life_activity": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "life_duebranch": (UserRole.VIEWER, UserRole.STAFF, UserRole.ADMIN),
    "portal_user": (UserRole.ADMIN,),
}
WRITABLE = {"orgs_branch", "orgs_assessment", "members_member", "funds_donation", "life_activity"}


def test_every_model_has_an_admin_screen():
    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    assert set(SCREENS) <= registered


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("persona", ["city_official", "county_staff", "county_admin"])
def test_role_decides_who_opens_each_list(db, client, request, persona, screen):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    status = client.get(reverse(f"admin:{screen}_changelist")).status_code
    assert status == (200 if user.role in SCREENS[screen] else 403)


@pytest.mark.parametrize("screen", sorted(WRITABLE))
def test_viewer_cannot_open_an_add_page(client, city_official, screen):
    client.force_login(city_official)
    assert client.get(reverse(f"admin:{screen}_add")).status_code == 403


@pytest.mark.parametrize("screen", sorted(WRITABLE))
def test_staff_open_add_pages_without_permission_rows(client, county_staff, screen):
    assert not county_staff.user_permissions.exists()
    client.force_login(county_staff)
    assert client.get(reverse(f"admin:{screen}_add")).status_code == 200


def test_the_index_lists_the_apps_to_staff_without_permission_rows(client, county_staff):
    client.force_login(county_staff)
    page = client.get(reverse("admin:index"))
    assert reverse("admin:orgs_branch_changelist") in page.text
    assert reverse("admin:funds_donation_add") in page.text
    assert reverse("admin:portal_user_changelist") not in page.text


def test_an_account_without_the_staff_flag_cannot_open_the_admin(client, db):
    user = make_user("tianyu-clerk", region=TIANYU, role=UserRole.STAFF)
    client.force_login(user)
    assert client.get(reverse("admin:orgs_branch_changelist")).status_code == 302


# Every add and change page also reads the model's content type, once per process.
@pytest.mark.parametrize(
    ("admin_page", "budget"),
    [
        # session, user, COUNT, the page of accounts with regions, the region filter
        ("changelist", 5),
        # session, user, content type
        ("add", 3),
        # session, user, content type, the account with region, its region for the box,
        # whether it has set up its authenticator (two-factor login)
        ("change", 6),
    ],
)
def test_superuser_page_queries_stay_bounded_when_rows_double(
    client, superuser, django_assert_max_num_queries, admin_page, budget
):
    account = make_user("tianyu-0", region=TIANYU, role=UserRole.STAFF)
    args = (account.pk,) if admin_page == "change" else ()
    client.force_login(superuser)
    for round_ in range(2):
        for n in range(3):
            make_user(f"tianyu-{round_}-{n}", region=TIANYU, role=UserRole.VIEWER)
        with django_assert_max_num_queries(budget):
            assert (
                client.get(reverse(f"admin:portal_user_{admin_page}", args=args)).status_code == 200
            )


def test_county_admin_lists_only_accounts_of_the_county(client, county_admin, outsider, superuser):
    county_clerk = make_user("tianyu-clerk", region=TIANYU, role=UserRole.STAFF)
    client.force_login(county_admin)
    listed = client.get(reverse("admin:portal_user_changelist")).context["cl"].result_list
    assert set(listed) == {county_admin, county_clerk}


def test_county_admin_gets_404_for_an_account_outside_the_county(client, county_admin, outsider):
    client.force_login(county_admin)
    assert client.get(reverse("admin:portal_user_change", args=[outsider.pk])).status_code == 404
    password_url = reverse("admin:auth_user_password_change", args=[outsider.pk])
    assert client.get(password_url).status_code == 404


def test_county_admin_creates_an_account_in_the_county(client, county_admin):
    client.force_login(county_admin)
    response = client.post(reverse("admin:portal_user_add"), account_form(region=TIANYU))
    assert response.status_code == 302
    created = User.objects.get(username="tianyu-new")
    assert (created.region_id, created.role, created.is_superuser) == (TIANYU, "staff", False)


def test_county_admin_cannot_give_a_region_outside_the_county(client, county_admin):
    client.force_login(county_admin)
    page = client.post(reverse("admin:portal_user_add"), account_form(region=JIZHOU))
    assert "region" in page.context["adminform"].form.errors
    assert not User.objects.filter(username="tianyu-new").exists()


def test_county_admin_cannot_make_a_superuser(client, county_admin):
    client.force_login(county_admin)
    client.post(reverse("admin:portal_user_add"), account_form(is_superuser="on"))
    assert User.objects.get(username="tianyu-new").is_superuser is False


def test_county_admin_cannot_widen_their_own_region(client, county_admin):
    client.force_login(county_admin)
    change_url = reverse("admin:portal_user_change", args=[county_admin.pk])
    page = client.post(change_url, own_form(county_admin, region=JIAN))
    assert "region" in page.context["adminform"].form.errors
    county_admin.refresh_from_db()
    assert county_admin.region_id == QINGYUAN


def test_staff_cannot_open_the_accounts(client, county_staff):
    client.force_login(county_staff)
    own = reverse("admin:portal_user_change", args=[county_staff.pk])
    assert client.get(own).status_code == 403


def account_form(**fields) -> dict:
    return {
        "username": "tianyu-new",
        "usable_password": "true",
        "password1": "a-long-pass-phrase-2024",
        "password2": "a-long-pass-phrase-2024",
        "region": TIANYU,
        "role": "staff",
        "is_staff": "on",
        **fields,
    }


def own_form(user: User, **fields) -> dict:
    return {
        "username": user.username,
        "region": user.region_id,
        "role": user.role,
        "is_staff": "on",
        "is_active": "on",
        **fields,
    }
