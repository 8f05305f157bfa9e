"""The annual evaluation (年度考评): a region opens a year's campaign for the branches of a
level below it, which enrols them; each branch submits its self-assessment with evidence;
the level above rates it on the campaign's scale, a draft until published; a published
rating is final (the database refuses a change) and a correction is a new decision with its
reason. The ratings' distribution per region and year, the to-do and scope everywhere."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from core.access import UserRole
from history.models import EvaluationDecisionEvent
from life.choices import EvaluationRating, EvaluationScale
from life.models import Evaluation, EvaluationCampaign, EvaluationDecision
from life.selectors import rating_distribution
from life.services import (
    activity_record,
    evaluation_campaign_open,
    evaluation_decide,
    evaluation_publish,
    evaluation_submit,
    rectification_open,
)
from orgs.choices import BranchKind, BranchRating, BranchStatus, RegionLevel
from orgs.models import Branch, Region
from tests.conftest import JIAN, QINGYUAN, TIANYU, make_user
from tests.factories import BranchFactory, StandardFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year
XINGQIAO = "360802100"  # 兴桥镇, in 吉州区


def messages(error: ValidationError, field: str) -> str:
    return " ".join(str(m) for m in error.message_dict[field])


@pytest.fixture
def township_staff(db):
    return make_user("tianyu-staff", region=TIANYU, role=UserRole.STAFF, is_staff=True)


@pytest.fixture
def standard(db):
    return StandardFactory(items=4)


def campaign_of(standard, *, region=QINGYUAN, year=YEAR, scale=EvaluationScale.STARS, user=None):
    return evaluation_campaign_open(
        year=year,
        region=Region.objects.get(code=region) if region else None,
        level=RegionLevel.TOWNSHIP,
        standard=standard,
        scale=scale,
        self_assessment_due=datetime.date(year, 12, 31),
        user=user,
    )


def submitted(campaign, branch, *, user=None, items=2, **fields):
    return evaluation_submit(
        campaign=campaign,
        branch=branch,
        items_met=list(campaign.standard.items.all()[:items]),
        self_assessment=fields.pop("self_assessment", "理事会按月召开，台账齐全"),
        user=user,
        **fields,
    )


def test_opening_a_campaign_enrols_the_branches_of_its_level_and_region(county_staff, standard):
    """Last year's campaign: the branches that existed that year."""
    year = YEAR - 1
    tianyu = BranchFactory(region_id=TIANYU)
    BranchFactory(region_id="360803101", founded_on=datetime.date(year, 3, 1))  # founded then
    BranchFactory(region_id="360803102", status=BranchStatus.PREPARING, founded_on=None)
    BranchFactory(region_id="360803103", founded_on=TODAY)  # founded after the year
    gone = BranchFactory(
        region_id="360803104",
        status=BranchStatus.DISSOLVED,
        founded_on=datetime.date(2010, 1, 1),
        dissolved_on=datetime.date(year - 1, 6, 30),
    )
    BranchFactory(region_id=QINGYUAN, kind=BranchKind.COUNTY, name="青原区红十字会")  # own level
    BranchFactory(region_id=XINGQIAO)  # another county
    campaign = campaign_of(standard, year=year, user=county_staff)
    enrolled = Evaluation.objects.filter(campaign=campaign)
    assert set(enrolled.values_list("region_code", flat=True)) == {TIANYU, "360803101"}
    assert not enrolled.filter(branch=gone).exists()
    assert enrolled.get(branch=tianyu).submitted_on is None
    assert {e.item_count for e in enrolled} == {4}
    # One campaign per region, level and year; a level below its region only.
    with pytest.raises(ValidationError) as error:
        campaign_of(standard, year=year, user=county_staff)
    assert "已开展" in str(error.value)
    with pytest.raises(ValidationError) as error:
        evaluation_campaign_open(
            year=YEAR,
            region=Region.objects.get(code=TIANYU),
            level=RegionLevel.TOWNSHIP,
            standard=standard,
            scale=EvaluationScale.GRADES,
            self_assessment_due=TODAY,
            user=county_staff,
        )
    assert "下级" in messages(error.value, "level")
    # A county opens no campaign for the city.
    with pytest.raises(ValidationError):
        campaign_of(standard, region=JIAN, user=county_staff)
    assert EvaluationCampaign.objects.count() == 1


def test_a_self_assessment_with_its_evidence_and_what_it_may_not_name(
    county_staff, township_staff, standard, council
):
    branch = BranchFactory(region_id=TIANYU)
    campaign = campaign_of(standard, user=county_staff)
    meeting = activity_record(branch=branch, kind=council, held_on=TODAY, user=township_staff)
    evaluation = submitted(campaign, branch, user=township_staff, activities=[meeting])
    assert (evaluation.met_count, evaluation.item_count) == (2, 4)
    assert (evaluation.submitted_on, evaluation.submitted_by) == (TODAY, township_staff)
    assert list(evaluation.activities.all()) == [meeting]
    # Submitted again before the rating: it replaces the last one.
    again = submitted(campaign, branch, user=township_staff, items=3)
    assert again.pk == evaluation.pk and again.met_count == 3
    assert Evaluation.objects.filter(campaign=campaign).count() == 1

    other = StandardFactory(items=2)
    with pytest.raises(ValidationError) as error:
        evaluation_submit(
            campaign=campaign, branch=branch, items_met=other.items.all(), user=township_staff
        )
    assert "items_met" in error.value.message_dict
    neighbour = BranchFactory(region_id="360803101")
    theirs = activity_record(branch=neighbour, kind=council, held_on=TODAY, user=county_staff)
    with pytest.raises(ValidationError) as error:
        submitted(campaign, branch, user=township_staff, activities=[theirs])
    assert "当年" in messages(error.value, "activities")
    county_branch = BranchFactory(region_id=QINGYUAN, kind=BranchKind.COUNTY, name="青原区红会")
    with pytest.raises(ValidationError) as error:
        submitted(campaign, county_branch, user=county_staff)
    assert "不在本次考评" in messages(error.value, "branch")
    assert Evaluation.objects.get(branch=branch).met_count == 3


def test_the_level_above_rates_a_draft_then_publishes_it_final(
    county_staff, township_staff, standard
):
    branch = BranchFactory(region_id=TIANYU)
    campaign = campaign_of(standard, user=county_staff)
    evaluation = Evaluation.objects.get(branch=branch)
    with pytest.raises(ValidationError) as error:
        evaluation_decide(evaluation=evaluation, rating="stars_5", user=county_staff)
    assert "尚未提交" in messages(error.value, "evaluation")
    submitted(campaign, branch, user=township_staff)
    # The branch does not rate itself; a rating of another scale is refused.
    with pytest.raises(ValidationError) as error:
        evaluation_decide(evaluation=evaluation, rating="stars_5", user=township_staff)
    assert "上级" in messages(error.value, "evaluation")
    with pytest.raises(ValidationError) as error:
        evaluation_decide(evaluation=evaluation, rating="excellent", user=county_staff)
    assert "五星" in messages(error.value, "rating")

    draft = evaluation_decide(
        evaluation=evaluation, rating="stars_4", comment="台账较全", user=county_staff
    )
    draft = evaluation_decide(evaluation=evaluation, rating="stars_5", user=county_staff)
    assert EvaluationDecision.objects.count() == 1 and draft.published_on is None
    evaluation.refresh_from_db()
    assert evaluation.rating == "" and Branch.objects.get(pk=branch.pk).rating == "normal"

    published = evaluation_publish(evaluation=evaluation, user=county_staff)
    assert published.pk == draft.pk and published.published_on == TODAY
    evaluation.refresh_from_db()
    assert evaluation.rating == EvaluationRating.STARS_5
    assert Branch.objects.get(pk=branch.pk).rating == BranchRating.MODEL
    # Final: the database refuses a change or a deletion, whoever writes.
    for statement in (
        "UPDATE life_evaluationdecision SET rating = 'stars_1' WHERE id = %s",
        "DELETE FROM life_evaluationdecision WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [published.pk])
    with pytest.raises(ValidationError) as error:
        submitted(campaign, branch, user=township_staff, items=4)
    assert "已公布" in messages(error.value, "branch")
    with pytest.raises(ValidationError) as error:
        evaluation_publish(evaluation=evaluation, user=county_staff)
    assert "没有待公布" in messages(error.value, "evaluation")


def test_a_correction_is_a_new_decision_with_its_reason(county_staff, township_staff, standard):
    branch = BranchFactory(region_id=TIANYU)
    campaign = campaign_of(standard, scale=EvaluationScale.GRADES, user=county_staff)
    evaluation = submitted(campaign, branch, user=township_staff)
    first = evaluation_decide(evaluation=evaluation, rating="good", publish=True, user=county_staff)
    with pytest.raises(ValidationError) as error:
        evaluation_decide(evaluation=evaluation, rating="fail", user=county_staff)
    assert "更正的理由" in messages(error.value, "reason")
    correction = evaluation_decide(
        evaluation=evaluation,
        rating="fail",
        reason="核查发现活动记录不实",
        publish=True,
        user=county_staff,
    )
    assert correction.corrects_id == first.pk and correction.reason == "核查发现活动记录不实"
    first.refresh_from_db()
    assert first.rating == "good" and first.published_on == TODAY  # kept as published
    evaluation.refresh_from_db()
    assert evaluation.rating == "fail"
    assert Branch.objects.get(pk=branch.pk).rating == BranchRating.WEAK
    # The history keeps both decisions: each created, then published.
    events = EvaluationDecisionEvent.objects.filter(pgh_obj_id__in=[first.pk, correction.pk])
    assert {(e.pgh_obj_id, e.rating) for e in events} == {
        (first.pk, "good"),
        (correction.pk, "fail"),
    }


def test_the_standing_follows_the_latest_year_and_an_open_case_keeps_it_weak(
    county_staff, township_staff, standard
):
    branch = BranchFactory(region_id=TIANYU)
    last = campaign_of(standard, year=YEAR - 1, user=county_staff)
    this = campaign_of(standard, user=county_staff)
    evaluation_decide(
        evaluation=submitted(this, branch, user=township_staff),
        rating="stars_3",
        publish=True,
        user=county_staff,
    )
    assert Branch.objects.get(pk=branch.pk).rating == BranchRating.NORMAL
    # Last year's five stars, published later, leave this year's standing.
    evaluation_decide(
        evaluation=submitted(last, branch, user=township_staff),
        rating="stars_5",
        publish=True,
        user=county_staff,
    )
    assert Branch.objects.get(pk=branch.pk).rating == BranchRating.NORMAL
    # Under rectification a branch stays weak until the case is accepted.
    rectification_open(
        branch=branch,
        problems="班子不全",
        measures="调整班子",
        responsible="王建国",
        deadline=TODAY,
        opened_on=TODAY,
        user=county_staff,
    )
    evaluation = Evaluation.objects.get(campaign=this, branch=branch)
    evaluation_decide(
        evaluation=evaluation, rating="stars_5", reason="复核", publish=True, user=county_staff
    )
    assert Branch.objects.get(pk=branch.pk).rating == BranchRating.WEAK


def test_scope_and_roles(county_staff, township_staff, outsider, city_official, standard):
    branch = BranchFactory(region_id=TIANYU)
    campaign = campaign_of(standard, user=county_staff)
    with pytest.raises(ValidationError):
        submitted(campaign, branch, user=outsider)
    evaluation = submitted(campaign, branch, user=township_staff)
    with pytest.raises(ValidationError):
        evaluation_decide(evaluation=evaluation, rating="stars_3", user=outsider)
    with pytest.raises(ValidationError):
        campaign_of(standard, region=QINGYUAN, year=YEAR - 1, user=outsider)
    with pytest.raises(Exception):  # noqa: B017 (a viewer writes nothing)
        evaluation_decide(evaluation=evaluation, rating="stars_3", user=city_official)
    assert not EvaluationDecision.objects.exists()


def test_the_to_do_lists_self_assessments_due_and_ratings_to_give(
    client, county_staff, township_staff, standard
):
    tianyu = BranchFactory(region_id=TIANYU)
    BranchFactory(region_id="360803101")
    campaign = campaign_of(standard, user=county_staff)
    client.force_login(township_staff)
    todo = {e.key: e for e in client.get(reverse("portal:home")).context["todo"]}
    assert todo["self_assessments_due"].count == 1  # their own branch only
    listed = client.get(todo["self_assessments_due"].url)
    assert [e.branch for e in listed.context["cl"].result_list] == [tianyu]

    submitted(campaign, tianyu, user=township_staff)
    todo = {e.key: e for e in client.get(reverse("portal:home")).context["todo"]}
    assert todo["self_assessments_due"].count == 0
    assert todo["evaluations_to_review"].count == 0  # the township does not rate itself
    client.force_login(county_staff)
    todo = {e.key: e for e in client.get(reverse("portal:home")).context["todo"]}
    assert (todo["self_assessments_due"].count, todo["evaluations_to_review"].count) == (1, 1)
    listed = client.get(todo["evaluations_to_review"].url)
    assert [e.branch for e in listed.context["cl"].result_list] == [tianyu]


def test_the_ratings_distribution_against_independent_sql(county_staff, standard):
    for year, ratings in ((YEAR - 1, ["stars_5", "stars_3", "stars_3"]), (YEAR, ["stars_5"] * 2)):
        campaign = campaign_of(standard, year=year)
        for n, rating in enumerate(ratings):
            branch = Branch.objects.filter(region_id=f"36080310{n}").first() or BranchFactory(
                region_id=f"36080310{n}"
            )
            evaluation = submitted(campaign, branch)
            evaluation_decide(evaluation=evaluation, rating=rating, publish=True)
    outside = campaign_of(standard, region="360802", year=YEAR)
    evaluation_decide(
        evaluation=submitted(outside, BranchFactory(region_id=XINGQIAO)),
        rating="stars_1",
        publish=True,
    )
    rows = rating_distribution(user=county_staff, code=QINGYUAN, year=YEAR)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT e.rating, count(*) FILTER (WHERE c.year = %s),
                      count(*) FILTER (WHERE c.year = %s)
                 FROM life_evaluation e JOIN life_evaluationcampaign c ON c.id = e.campaign_id
                WHERE e.region_code LIKE %s AND e.rating <> '' GROUP BY 1""",
            [YEAR, YEAR - 1, f"{QINGYUAN}%"],
        )
        expected = {rating: (now, before) for rating, now, before in cursor.fetchall()}
    assert {r.rating: (r.count, r.last_year) for r in rows} == expected
    assert [(r.rating, r.count, r.last_year, r.change) for r in rows] == [
        ("stars_5", 2, 1, 1),
        ("stars_3", 0, 2, -2),
    ]
    # The city's figure for a county user holds its own county only.
    assert {r.rating for r in rating_distribution(user=county_staff, code=JIAN, year=YEAR)} == {
        "stars_5",
        "stars_3",
    }


def test_the_dashboard_shows_the_ratings(client, county_staff, standard):
    campaign = campaign_of(standard)
    evaluation = submitted(campaign, BranchFactory(region_id=TIANYU))
    evaluation_decide(evaluation=evaluation, rating="stars_4", publish=True)
    client.force_login(county_staff)
    page = client.get(reverse("portal:region_dashboard", args=[QINGYUAN]), {"year": YEAR})
    assert [(r.rating, r.count) for r in page.context["ratings"]] == [("stars_4", 1)]
    assert 'id="ratings-table"' in page.text and "四星" in page.text


def test_admin_the_branch_submits_and_the_level_above_publishes(
    client, county_staff, township_staff, standard
):
    branch = BranchFactory(region_id=TIANYU)
    campaign = campaign_of(standard, user=county_staff)
    evaluation = Evaluation.objects.get(branch=branch)
    change = reverse("admin:life_evaluation_change", args=[evaluation.pk])
    items = [str(pk) for pk in standard.items.values_list("pk", flat=True)[:3]]
    client.force_login(township_staff)
    page = client.get(change)
    assert page.status_code == 200 and 'name="decision"' not in page.text
    response = client.post(
        change,
        {"items_met": items, "self_assessment": "按月召开理事会", "decisions-TOTAL_FORMS": "0",
         "decisions-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    evaluation.refresh_from_db()
    assert (evaluation.met_count, evaluation.submitted_by) == (3, township_staff)

    client.force_login(county_staff)
    page = client.get(change)
    assert 'name="decision"' in page.text and "五星" in page.text and "优秀" not in page.text
    body = {"decision": "stars_4", "comment": "较好", "publish": "on", "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(change, body)
    assert response.status_code == 302, response.context["adminform"].form.errors
    evaluation.refresh_from_db()
    assert evaluation.rating == "stars_4" and campaign.evaluations.count() == 1
    # A correction without its reason is refused beside its field; nothing is saved.
    response = client.post(change, {**body, "decision": "stars_2"})
    assert response.status_code == 200
    assert "reason" in response.context["adminform"].form.errors
    assert EvaluationDecision.objects.count() == 1


def test_api_campaign_submission_decision_and_filters(
    api, county_staff, township_staff, city_official, outsider, standard
):
    branch = BranchFactory(region_id=TIANYU)
    body = {
        "year": YEAR,
        "region": QINGYUAN,
        "level": "township",
        "standard": standard.pk,
        "scale": "flags",
        "self_assessment_due": str(TODAY),
    }
    response = api(county_staff).post("/api/v1/evaluation-campaigns/", body, format="json")
    assert response.status_code == 201, response.content
    campaign = response.json()["id"]
    assert api(township_staff).get(f"/api/v1/evaluation-campaigns/{campaign}/").status_code == 200
    items = list(standard.items.values_list("pk", flat=True)[:2])
    submission = {"campaign": campaign, "branch": branch.pk, "items_met": items,
                  "self_assessment": "台账齐全"}  # fmt: skip
    response = api(township_staff).post("/api/v1/evaluations/", submission, format="json")
    assert response.status_code == 201, response.content
    evaluation = response.json()
    assert (evaluation["met_count"], evaluation["year"], evaluation["rating"]) == (2, YEAR, "")
    url = f"/api/v1/evaluations/{evaluation['id']}/"
    own = api(township_staff).post(url + "decide/", {"rating": "red_flag"}, format="json")
    assert own.status_code == 400 and "上级" in own.content.decode()
    response = api(county_staff).post(url + "decide/", {"rating": "red_flag"}, format="json")
    assert response.status_code == 200 and response.json()["decisions"][0]["published_on"] is None
    to_review = api(county_staff).get("/api/v1/evaluations/", {"state": "to_review"}).json()
    assert to_review["count"] == 1
    response = api(county_staff).post(url + "publish/", format="json")
    assert response.status_code == 200 and response.json()["rating"] == "red_flag"
    assert api(county_staff).get("/api/v1/evaluations/", {"rating": "red_flag"}).json()["count"]
    response = api(county_staff).post(url + "decide/", {"rating": "met"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    assert api(city_official).post(url + "publish/", format="json").status_code == 403
    assert api(outsider).get(url).status_code == 404
    assert api(outsider).get("/api/v1/evaluations/").json()["count"] == 0
    assert api(county_staff).patch(url, {"rating": "met"}, format="json").status_code == 405
