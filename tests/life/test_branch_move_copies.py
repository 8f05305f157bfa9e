"""Every record that keeps a copy of its branch's region code follows the branch when it
moves (a vintage's roll-forward, a correction): the triggers on orgs_branch name every such
table, and a moved branch's activities, rectification cases and evaluations carry its new
code."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from life.models import Evaluation, RectificationCase
from life.services import activity_record, evaluation_campaign_open, rectification_open
from orgs.db import RegionCodeField
from orgs.models import Branch, Region
from orgs.services import branch_move
from tests.conftest import QINGYUAN, TIANYU
from tests.factories import BranchFactory, StandardFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def copying_tables() -> set[str]:
    """The tables with a region code copied from their own branch (the history's events
    keep the code as it was)."""
    return {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label != "history"
        and any(isinstance(f, RegionCodeField) for f in model._meta.fields)
        and any(
            getattr(f, "related_model", None) is Branch and f.name == "branch"
            for f in model._meta.fields
        )
    }


def test_the_branch_triggers_name_every_table_that_copies_the_code():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT string_agg(p.prosrc, ' ') FROM pg_trigger t
                 JOIN pg_proc p ON p.oid = t.tgfoid
                WHERE t.tgrelid = 'orgs_branch'::regclass AND NOT t.tgisinternal"""
        )
        sources = cursor.fetchone()[0]
    tables = copying_tables()
    assert {"life_activity", "life_rectificationcase", "life_evaluation"} <= tables
    missing = {table for table in tables if f"UPDATE {table} " not in sources}
    assert not missing, f"not followed when a branch moves: {sorted(missing)}"


def test_a_moved_branchs_life_records_carry_its_new_code(council):
    branch = BranchFactory(region_id=TIANYU)
    activity_record(branch=branch, kind=council, held_on=TODAY)
    rectification_open(
        branch=branch,
        problems="班子不全",
        measures="调整班子",
        responsible="王建国",
        deadline=TODAY,
        opened_on=TODAY,
    )
    evaluation_campaign_open(
        year=TODAY.year,
        region=Region.objects.get(code=QINGYUAN),
        level="township",
        standard=StandardFactory(),
        scale="stars",
        self_assessment_due=datetime.date(TODAY.year, 12, 31),
    )
    branch_move(branch=branch, region=Region.objects.get(code="360803101"))
    for model in (RectificationCase, Evaluation):
        assert set(model.objects.values_list("region_code", flat=True)) == {"360803101"}
    assert set(branch.activities.values_list("region_code", flat=True)) == {"360803101"}
