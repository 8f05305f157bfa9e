"""A record's history page in the admin, and the list of personal data views."""

import pytest
from django.urls import reverse

from core.context import write_context
from history.audit import record_personal_data_view
from history.models import PersonalDataView
from members.models import Member
from tests.conftest import make_user
from tests.factories import BranchFactory, MemberFactory

pytestmark = pytest.mark.django_db

XINGQIAO = "360802100"  # 兴桥镇, in 吉州区: outside 青原区


def history_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


@pytest.fixture
def member(county_staff):
    member = MemberFactory(name="刘丽", occupation="教师", phone="13812345678")
    with write_context(source="admin", user=county_staff):
        Member.objects.filter(pk=member.pk).update(occupation="医生")
    return member


def test_change_page_links_to_the_history(staff_client, member):
    page = staff_client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert history_url(member) in page.text


def test_history_page_shows_who_and_the_change_before_and_after(staff_client, member):
    page = staff_client.get(history_url(member))
    assert page.status_code == 200
    changed, created = page.context["rows"]
    assert (changed.username, changed.source) == ("qingyuan-staff", "管理后台")
    assert [(c.field, c.before, c.after) for c in changed.changes] == [
        ("occupation", "教师", "医生")
    ]
    assert created.source == "系统"
    assert ("name", "—", "刘丽") in [(c.field, c.before, c.after) for c in created.changes]
    assert "教师 → 医生" in page.text


def test_history_names_the_related_rows_and_shows_a_move(staff_client, member, county_staff):
    old_branch = member.branch
    new_branch = BranchFactory(name="天玉镇红十字会", region_id="360803101")
    with write_context(source="admin", user=county_staff):
        Member.objects.filter(pk=member.pk).update(branch=new_branch)
    moved, *_ = staff_client.get(history_url(member)).context["rows"]
    assert [(c.field, c.before, c.after) for c in moved.changes if c.field == "branch"] == [
        ("branch", str(old_branch), "天玉镇红十字会")
    ]


def test_history_page_of_a_record_outside_the_scope_answers_404(client, outsider, member):
    client.force_login(outsider)  # a 吉州区 (360802) staffer, the member is in 青原区
    assert client.get(history_url(member)).status_code == 404


def test_viewers_see_personal_fields_masked_in_the_history(client, city_official, member):
    client.force_login(city_official)
    page = client.get(history_url(member))
    assert page.status_code == 200
    assert "138****5678" in page.text
    assert "13812345678" not in page.text
    assert not PersonalDataView.objects.exists()


def test_staff_see_them_in_full_and_the_view_is_logged(staff_client, member, county_staff):
    page = staff_client.get(history_url(member))
    assert "13812345678" in page.text
    view = PersonalDataView.objects.get()
    assert (view.user, view.source, view.object_ids) == (county_staff, "admin", [str(member.pk)])
    assert view.fields == ["phone"]


def test_a_deletion_shows_the_last_values(client, county_admin, superuser):
    branch = BranchFactory(name="天玉镇红十字会")
    pk = branch.pk
    with write_context(source="admin", user=county_admin):
        branch.delete()
    from history.diff import history_rows
    from history.models import BranchEvent
    from orgs.models import Branch

    rows = history_rows(Branch, list(BranchEvent.objects.filter(pgh_obj_id=pk)), masks={})
    assert rows[0].action == "删除"
    assert ("name", "天玉镇红十字会", "—") in [
        (c.field, c.before, c.after) for c in rows[0].changes
    ]


# The log of personal data views ---------------------------------------------------------


def log(user):
    return record_personal_data_view(
        user=user, model=Member, object_ids=[1, 2], fields=["phone"], source="api"
    )


def test_admins_list_the_views_of_their_subtree(client, county_admin, county_staff, outsider):
    log(county_staff)
    log(outsider)
    client.force_login(county_admin)
    page = client.get(reverse("admin:history_personaldataview_changelist"))
    assert page.status_code == 200
    assert [v.username for v in page.context["cl"].result_list] == ["qingyuan-staff"]


def test_staff_do_not_see_the_log(staff_client):
    url = reverse("admin:history_personaldataview_changelist")
    assert staff_client.get(url).status_code == 403


def test_the_log_is_read_only_even_for_superusers(client, superuser, county_staff):
    view = log(county_staff)
    client.force_login(superuser)
    change = client.get(reverse("admin:history_personaldataview_change", args=[view.pk]))
    assert change.status_code == 200
    assert 'name="username"' not in change.text
    delete = reverse("admin:history_personaldataview_delete", args=[view.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:history_personaldataview_add")).status_code == 403


def test_a_town_admin_does_not_see_the_county_staffs_views(client, county_staff):
    log(county_staff)
    town_admin = make_user("tianyu-admin", region="360803100", role="admin", is_staff=True)
    client.force_login(town_admin)
    page = client.get(reverse("admin:history_personaldataview_changelist"))
    assert list(page.context["cl"].result_list) == []


def test_an_actor_outside_the_viewers_scope_shows_as_role_and_level(staff_client, member):
    """A city admin's and a superuser's edits, seen from the county: no name, no address."""
    city_admin = make_user("jian-admin", region="3608", role="admin")
    root = make_user("root-2", region=None, role="admin", is_superuser=True)
    for actor, occupation in ((city_admin, "律师"), (root, "工程师")):
        with write_context(source="api", user=actor):
            Member.objects.filter(pk=member.pk).update(occupation=occupation)
    page = staff_client.get(history_url(member))
    by_root, by_city, by_staff, _created = page.context["rows"]
    assert (by_root.username, by_root.ip) == ("超级管理员", "")
    assert (by_city.username, by_city.ip) == ("管理 · 地级", "")
    assert by_staff.username == "qingyuan-staff"
    assert "jian-admin" not in page.text
    assert "root-2" not in page.text


def test_an_actor_inside_the_scope_shows_by_name(client, city_official, member):
    client.force_login(city_official)
    page = client.get(history_url(member))
    changed = page.context["rows"][0]
    assert changed.username == "qingyuan-staff"
