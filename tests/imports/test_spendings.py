"""Importing spendings: the fund a row names, the rules of the service (designated purpose,
no overhead from designated money, no overdraft, counted together per fund), append-only
re-imports, the scope, all or nothing, the balances and the round trip of the export."""

import datetime
import threading
import time
from decimal import Decimal
from functools import partial

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.exports import safe_cell
from funds.choices import FundKind
from funds.models import FundBalance, Spending
from funds.services import donation_record, fund_create, spending_reverse
from imports.engine import ImportFailed
from imports.specs import SPECS
from tests.factories import BranchFactory
from tests.imports.conftest import check, errors_of, run, sheet, xlsx_bytes

pytestmark = pytest.mark.django_db

SPEC = SPECS["spendings"]
PAID = datetime.date(2025, 6, 18)


def spending(voucher: str, **cells) -> dict:
    record = {
        "凭证号": voucher,
        "所在区划": "360803100",
        "支出组织": "天玉镇红十字会",
        "支出日期": PAID.isoformat(),
        "金额（元）": "1000.00",
        "支出类别": "救助",
        "收款方": "天玉镇敬老院",
        "用途": "采购过冬棉被",
    }
    return record | cells


check = partial(check, "spendings")
run = partial(run, "spendings")


def balance(fund) -> Decimal:
    return FundBalance.objects.get(fund=fund).balance


@pytest.fixture
def tianyu(db):
    return BranchFactory(name="天玉镇红十字会", region_id="360803100")


@pytest.fixture
def general(tianyu):
    """The branch's unrestricted fund, holding ¥5,000."""
    gift = donation_record(branch=tianyu, amount=Decimal("5000"), channel="bank", received_on=PAID)
    return gift.fund


@pytest.fixture
def school_aid(tianyu):
    """A designated fund for 助学 holding ¥3,000."""
    fund = fund_create(branch=tianyu, kind=FundKind.DESIGNATED, name="助学金", project="助学")
    donation_record(
        branch=tianyu, amount=Decimal("3000"), channel="bank", received_on=PAID, fund=fund
    )
    return fund


def test_rows_pay_out_of_the_funds_they_name_and_the_balances_follow(
    county_staff, general, school_aid
):
    rows = sheet(
        "spendings",
        spending("ZC-1"),
        spending(
            "ZC-2", 资金账户="助学金", 项目="助学", **{"金额（元）": "1200.50"}, 支出类别="项目支出"
        ),
        spending("ZC-3", 资金账户="助学", 项目="助学", **{"金额（元）": "300"}),
    )
    result = run(rows, county_staff)
    assert (result.created, result.errors) == (3, [])
    assert balance(general) == Decimal("4000.00")
    assert balance(school_aid) == Decimal("1499.50")
    paid = Spending.objects.get(voucher_no="ZC-2")
    assert (paid.fund, paid.region_code, paid.recorded_by) == (
        school_aid,
        "360803100",
        county_staff,
    )
    assert paid.category == "project"


def test_a_designated_fund_pays_only_for_its_project(county_staff, school_aid):
    rows = sheet("spendings", spending("ZC-1", 资金账户="助学金", 项目="修路"))
    result = check(rows, county_staff)
    assert errors_of(result) == [(2, "项目")]
    assert "“助学”" in result.errors[0].message


def test_administrative_costs_come_from_the_unrestricted_fund_only(
    county_staff, general, school_aid
):
    rows = sheet(
        "spendings",
        spending("ZC-1", 资金账户="助学金", 项目="助学", 支出类别="管理费用"),
        spending("ZC-2", 支出类别="管理费用"),
    )
    result = check(rows, county_staff)
    assert errors_of(result) == [(2, "支出类别")]
    assert result.created == 1


def test_rows_of_one_fund_are_counted_together_against_its_balance(county_staff, general):
    rows = sheet(
        "spendings",
        spending("ZC-1", **{"金额（元）": "3000"}),
        spending("ZC-2", **{"金额（元）": "2000"}),
        spending("ZC-3", **{"金额（元）": "0.01"}),
    )
    result = run(rows, county_staff)
    assert errors_of(result) == [(4, "金额（元）")]
    assert "0.00" in result.errors[0].message
    assert not Spending.objects.exists()
    assert balance(general) == Decimal("5000.00")
    with translation.override("en"):
        result = check(rows, county_staff)
    assert "this would overdraw it" in result.errors[0].message


def test_a_spend_written_after_the_dry_run_is_counted_when_the_file_is_checked_again(
    county_staff, general
):
    """The import checks the stored file again: it reads the balance as it is then."""
    rows = sheet("spendings", spending("ZC-1", **{"金额（元）": "5000"}))
    assert check(rows, county_staff).ok
    Spending.objects.create(
        fund=general,
        branch=general.branch,
        spent_on=PAID,
        amount=Decimal("1"),
        category="aid",
        payee="x",
        purpose="y",
        voucher_no="OTHER-1",
    )
    result = check(rows, county_staff)
    assert errors_of(result) == [(2, "金额（元）")]


@pytest.mark.django_db(transaction=True)
def test_two_imports_racing_for_the_last_yuan_never_overdraw(county_staff, tianyu):
    gift = donation_record(branch=tianyu, amount=Decimal("1000"), channel="bank", received_on=PAID)
    outcomes, start = [], threading.Barrier(2)

    def import_one(voucher: str):
        try:
            start.wait()
            outcomes.append(run(sheet("spendings", spending(voucher)), county_staff).ok)
        except ImportFailed as failed:
            outcomes.append(str(failed))
        finally:
            connection.close()

    threads = [threading.Thread(target=import_one, args=(f"RACE-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Spending.objects.count() == 1
    assert balance(gift.fund) == Decimal("0.00")
    # The other import is refused: by its check, when the first had committed before it read
    # the balance, else by the database's constraint when both inserts meet.
    assert outcomes.count(True) == 1
    [refused] = [outcome for outcome in outcomes if outcome is not True]
    assert refused is False or "余额不能低于零" in refused


@pytest.mark.django_db(transaction=True)
def test_a_spend_committed_while_the_import_writes_makes_the_database_refuse_it(
    county_staff, tianyu
):
    """The import's check read ¥1,000 available; a spend of it commits before the import's
    insert reaches the balance: the balance's constraint refuses the import, nothing saved."""
    fund = donation_record(
        branch=tianyu, amount=Decimal("1000"), channel="bank", received_on=PAID
    ).fund
    holding = threading.Event()

    def spend_and_commit_late():
        try:
            with transaction.atomic():
                Spending.objects.create(
                    fund=fund,
                    branch=tianyu,
                    spent_on=PAID,
                    amount=Decimal("1000"),
                    category="aid",
                    payee="x",
                    purpose="y",
                    voucher_no="FIRST",
                )
                holding.set()
                time.sleep(1)
        finally:
            connection.close()

    writer = threading.Thread(target=spend_and_commit_late)
    writer.start()
    assert holding.wait(10)
    with pytest.raises(ImportFailed, match="资金余额不能低于零"):
        run(sheet("spendings", spending("LATE-1")), county_staff)
    writer.join()
    assert list(Spending.objects.values_list("voucher_no", flat=True)) == ["FIRST"]
    assert balance(fund) == Decimal("0.00")


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"资金账户": "修路基金"}, "资金账户"),
        ({"金额（元）": "-5"}, "金额（元）"),
        ({"凭证号": "ZC-1-R"}, "凭证号"),
        ({"支出日期": "2099-01-01"}, "支出日期"),
        ({"收款方": ""}, "收款方"),
        ({"支出类别": "买菜"}, "支出类别"),
    ],
)
def test_a_row_breaking_a_rule_is_refused_with_its_column(county_staff, general, cells, column):
    result = check(sheet("spendings", spending("ZC-1", **cells)), county_staff)
    assert errors_of(result) == [(2, column)]


def test_a_branch_without_an_unrestricted_fund_is_told_so(county_staff, tianyu):
    result = check(sheet("spendings", spending("ZC-1")), county_staff)
    assert errors_of(result) == [(2, "资金账户")]
    assert "第一笔捐赠" in result.errors[0].message


def test_a_second_import_changes_nothing_and_a_changed_row_asks_for_a_reversal(
    county_staff, general
):
    rows = sheet("spendings", spending("ZC-1"))
    assert run(rows, county_staff).created == 1
    again = run(rows, county_staff)
    assert (again.created, again.unchanged, again.errors) == (0, 1, [])
    changed = check(sheet("spendings", spending("ZC-1", **{"金额（元）": "900"})), county_staff)
    assert errors_of(changed) == [(2, "凭证号")]
    assert "金额（元）" in changed.errors[0].message and "冲正" in changed.errors[0].message
    assert balance(general) == Decimal("4000.00")


def test_a_voucher_of_another_county_is_only_said_to_be_taken(outsider, county_staff, general):
    assert run(sheet("spendings", spending("ZC-1")), county_staff).created == 1
    theirs = BranchFactory(name="兴桥镇红十字会", region_id="360802100")
    donation_record(branch=theirs, amount=Decimal("5000"), channel="bank", received_on=PAID)
    rows = sheet("spendings", spending("ZC-1", 所在区划="360802100", 支出组织="兴桥镇红十字会"))
    result = check(rows, outsider)
    assert errors_of(result) == [(2, "凭证号")]
    assert result.errors[0].message == "凭证号 ZC-1 已被使用。"


def test_a_branch_of_the_sibling_county_cannot_be_paid_from(outsider, general):
    result = run(sheet("spendings", spending("ZC-1")), outsider)
    assert errors_of(result) == [(2, "所在区划")]
    assert not Spending.objects.exists()


def test_the_export_imports_back_unchanged_reversals_included(county_staff, general, school_aid):
    matching = fund_create(branch=general.branch, kind=FundKind.MATCHING)
    donation_record(
        branch=general.branch,
        amount=Decimal("800"),
        channel="bank",
        received_on=PAID,
        fund=matching,
    )
    rows = sheet(
        "spendings",
        spending("ZC-1", 用途="=SUM(A1)"),
        spending("ZC-2", 资金账户="助学金", 项目="助学"),
        spending("ZC-3", 资金账户="配捐", **{"金额（元）": "800"}),
    )
    assert run(rows, county_staff).created == 3
    spending_reverse(spending=Spending.objects.get(voucher_no="ZC-1"), reason="录入错误")
    exported = [
        SPEC.export_header(),
        *([safe_cell(value) for value in row] for row in SPEC.export_rows(Spending.objects.all())),
    ]
    assert [row[3] for row in exported[1:]] == ["", "助学金", "配捐", ""]
    result = check(None, county_staff, "export.xlsx", data=xlsx_bytes(exported))
    assert (result.created, result.unchanged, result.errors) == (0, 4, [])


def test_planning_runs_the_same_queries_for_one_row_and_for_many(county_staff, general):
    def queries(count: int) -> int:
        rows = sheet(
            "spendings", *(spending(f"Q-{count}-{n}", **{"金额（元）": "1"}) for n in range(count))
        )
        with CaptureQueriesContext(connection) as captured:
            assert check(rows, county_staff).created == count
        return len(captured)

    assert queries(1) == queries(50)
