"""What each import reads: its columns, their Chinese headers, and the same columns for export.

This is the public interface of the imports app for other modules::

    from imports.specs import SPECS, spec_for

    spec = spec_for(Donation)           # or SPECS["donations"]; None for other models
    spec.export_header()                # ["收据编号", "所在区划", ...], as in the template
    for row in spec.export_rows(queryset):
        ...                             # lists of str, exactly as the importer reads them

``export_rows`` writes every value as the text the importer reads back (dates as
``2024-03-05``, amounts as ``1000.00``, yes/no as 是/否, choices by their Chinese label,
regions by code), so that exporting and importing the result changes nothing. It reads
with ``values_list(...).iterator()``: one query, streamed, whatever the size. The caller
applies the region scope (``visible_to``) and escapes cells for its file format; the
importer reads a cell escaped against formula injection (``'`` before ``= + - @``, tab or
CR, e.g. ``'-1000.00``) as the value after the ``'``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from funds.choices import DonationChannel, DonationKind, DonorKind, FundKind, SpendingCategory
from funds.models import Campaign, Donation, Donor, Fund, Spending
from imports import cells
from life.models import Activity, ActivityKind
from members.choices import Gender, MemberKind, VolunteerStatus
from members.models import Member, ServiceRecord, Volunteer
from orgs.choices import BranchKind, BranchRating, BranchStatus
from orgs.models import Branch

#: Choice labels in exports and templates are Chinese whatever the page language.
EXPORT_LANGUAGE = "zh-hans"
EXPORT_TRUE, EXPORT_FALSE = "是", "否"
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, how a cell is read, and where export finds it."""

    key: str
    header: str
    kind: str  # text, digits, date, decimal, count, amount, signed_amount, boolean, choice
    source: str
    required: bool = False
    model: type[models.Model] | None = None
    field: str | None = None
    choices: type[models.TextChoices] | None = None
    example: str = ""
    places: int = 1
    what: str = ""
    help: str = ""
    #: A rule of the column beyond its kind's, for the template's rules sheet.
    rule: str = ""

    @cached_property
    def model_field(self) -> models.Field | None:
        return self.model._meta.get_field(self.field) if self.model and self.field else None

    @cached_property
    def max_length(self) -> int | None:
        return getattr(self.model_field, "max_length", None)

    @cached_property
    def _choice_lookup(self) -> dict[str, str]:
        """Code, Chinese label and English label of each choice → the code."""
        lookup = {}
        for language in ("en", EXPORT_LANGUAGE):
            with translation.override(language):
                for value, label in self.choices.choices:
                    lookup[str(label).casefold()] = value
        lookup.update({value.casefold(): value for value in self.choices.values})
        return lookup

    def parse(self, raw):
        """The cell's value for the importer, or ``CellError``; ``None``/"" when blank."""
        if raw is None:  # an empty cell, the commonest: read once per column
            if self.required:
                raise cells.CellError(_("This column is required."))
            return self._blank
        raw = cells.unescape(raw)
        if self.required and cells.is_blank(raw):
            raise cells.CellError(_("This column is required."))
        value = self._read(raw)
        if value not in (None, "") and self.model_field is not None and self.kind in TEXTUAL:
            try:
                self.model_field.run_validators(value)
            except ValidationError as error:
                raise cells.CellError(error.messages[0]) from None
        return value

    @cached_property
    def _blank(self):
        """What an empty cell of the column reads as."""
        return self._read(None)

    def _read(self, raw):
        match self.kind:
            case "text":
                return cells.text(raw, max_length=self.max_length)
            case "digits":
                return cells.digits(raw, what=str(self.what))
            case "date":
                return cells.date_value(raw)
            case "decimal":
                return cells.decimal(raw, places=self.places)
            case "amount":
                return cells.amount(raw)
            case "signed_amount":
                return cells.signed_amount(raw)
            case "boolean":
                return cells.boolean(raw)
            case "count":
                return cells.count(raw)
            case "choice":
                return cells.choice(raw, lookup=self._choice_lookup, labels=self.choices)
        raise ValueError(self.kind)

    def export(self, value) -> str:
        """The text that ``parse`` reads back as ``value``."""
        if value is None:
            return ""
        match self.kind:
            case "boolean":
                return EXPORT_TRUE if value else EXPORT_FALSE
            case "date":
                return value.isoformat()
            case "choice":
                return self._export_labels.get(value, value) if value else ""
        return str(value)

    @cached_property
    def _export_labels(self) -> dict[str, str]:
        with translation.override(EXPORT_LANGUAGE):
            return {value: str(label) for value, label in self.choices.choices}


TEXTUAL = frozenset(["text", "digits"])


@dataclass
class Spec:
    """One kind of import: the model it writes, its columns, and its importer."""

    slug: str
    model: type[models.Model]
    title: str
    columns: tuple[Column, ...]
    importer_path: str
    natural_key: str
    order_by: tuple[str, ...] = ()
    #: Values a column exports that no field holds: ``annotations()`` gives the expressions,
    #: named by the columns' ``source``, when an export runs.
    annotations: Callable[[], dict[str, models.Expression]] = dict
    by_header: dict[str, Column] = field(init=False, repr=False)

    def __post_init__(self):
        self.by_header = {column.header: column for column in self.columns}

    def export_header(self) -> list[str]:
        """The Chinese column headers, in order: the template's first row."""
        return [column.header for column in self.columns]

    def example_row(self) -> list[str]:
        """The template's example row."""
        return [
            column.export(column.example) if column.kind == "choice" else column.example
            for column in self.columns
        ]

    def export_rows(self, queryset: models.QuerySet) -> Iterator[list[str]]:
        """Rows of ``queryset`` as the importer reads them (one streamed query)."""
        sources = [column.source for column in self.columns]
        rows = queryset.annotate(**self.annotations()).order_by(*self.order_by)
        rows = rows.values_list(*sources)
        for values in rows.iterator(chunk_size=EXPORT_CHUNK):
            yield [column.export(value) for column, value in zip(self.columns, values, strict=True)]

    @cached_property
    def importer(self):
        """The class that checks and writes this kind's rows (imports.importers)."""
        return import_string(self.importer_path)


def _id_number(model, source="id_number", key="id_number", header="身份证号"):
    return Column(
        key,
        header,
        "digits",
        source,
        model=model,
        field="id_number",
        example="360803199001011234",
        what=_("ID number"),
    )


def _phone(model, source="phone", key="phone", header="联系电话", example="13807961234"):
    return Column(
        key,
        header,
        "digits",
        source,
        model=model,
        field="phone",
        example=example,
        what=_("phone number"),
    )


def _region(source: str, *, required: bool = False, example: str = "360803100") -> Column:
    return Column(
        "region",
        "所在区划",
        "text",
        source,
        required=required,
        example=example,
        help=_("Region code or name"),
    )


def _branch(source: str, header: str = "所属组织") -> Column:
    return Column("branch", header, "text", source, required=True, example="天玉镇红十字会")


BRANCHES = Spec(
    slug="branches",
    model=Branch,
    title=pgettext_lazy("import", "Branches"),
    importer_path="imports.importers.BranchImporter",
    natural_key=_("region + name"),
    order_by=("region_id", "name", "id"),
    columns=(
        _region("region_id", required=True),
        Column("name", "组织名称", "text", "name", True, Branch, "name", example="天玉镇红十字会"),
        Column("kind", "组织类型", "choice", "kind", True, choices=BranchKind, example="township"),
        Column("status", "状态", "choice", "status", choices=BranchStatus, example="active"),
        Column("rating", "评定等次", "choice", "rating", choices=BranchRating, example="normal"),
        Column("founded_on", "成立日期", "date", "founded_on", example="2019-05-08"),
        Column("dissolved_on", "撤销日期", "date", "dissolved_on"),
        Column(
            "first_congress_on",
            "首次会员代表大会日期",
            "date",
            "first_congress_on",
            example="2019-06-18",
        ),
        Column("supervisory_board_on", "监事会成立日期", "date", "supervisory_board_on"),
        Column("bodies_complete", "内设机构健全", "boolean", "bodies_complete", example="是"),
        Column(
            "address",
            "地址",
            "text",
            "address",
            model=Branch,
            field="address",
            example="青原区天玉镇政府院内",
        ),
        _phone(Branch, example="0796-8221234"),
        Column("note", "备注", "text", "note"),
    ),
)

MEMBERS = Spec(
    slug="members",
    model=Member,
    title=pgettext_lazy("import", "Members"),
    importer_path="imports.importers.MemberImporter",
    natural_key=_("branch + ID number, or branch + phone when there is no ID number"),
    order_by=("branch__region_id", "branch__name", "name", "id"),
    columns=(
        _region("branch__region_id"),
        _branch("branch__name"),
        Column("name", "姓名（单位名称）", "text", "name", True, Member, "name", example="张三"),
        Column("kind", "会员类型", "choice", "kind", choices=MemberKind, example="individual"),
        Column("gender", "性别", "choice", "gender", choices=Gender, example="male"),
        _id_number(Member),
        _phone(Member),
        Column(
            "occupation",
            "职业",
            "text",
            "occupation",
            model=Member,
            field="occupation",
            example="村党支部书记",
        ),
        Column("joined_on", "入会日期", "date", "joined_on", True, example="2020-03-01"),
        Column("left_on", "退会日期", "date", "left_on"),
        Column(
            "leave_reason", "退会原因", "text", "leave_reason", model=Member, field="leave_reason"
        ),
    ),
)

VOLUNTEERS = Spec(
    slug="volunteers",
    model=Volunteer,
    title=pgettext_lazy("import", "Volunteers"),
    importer_path="imports.importers.VolunteerImporter",
    natural_key=_("branch + ID number, or branch + phone when there is no ID number"),
    order_by=("branch__region_id", "branch__name", "name", "id"),
    columns=(
        _region("branch__region_id"),
        _branch("branch__name"),
        Column("team", "志愿服务队", "text", "team__name", example="天玉镇应急救护志愿服务队"),
        Column("name", "姓名", "text", "name", True, Volunteer, "name", example="李四"),
        Column("gender", "性别", "choice", "gender", choices=Gender, example="female"),
        _id_number(Volunteer),
        _phone(Volunteer),
        Column("registered_on", "注册日期", "date", "registered_on", True, example="2020-04-01"),
        Column("status", "状态", "choice", "status", choices=VolunteerStatus, example="active"),
    ),
)

SERVICE_RECORDS = Spec(
    slug="service-records",
    model=ServiceRecord,
    title=pgettext_lazy("import", "Service records"),
    importer_path="imports.importers.ServiceRecordImporter",
    natural_key=_("volunteer + date served + activity"),
    order_by=("volunteer__branch__region_id", "volunteer__branch__name", "served_on", "id"),
    columns=(
        _region("volunteer__branch__region_id"),
        _branch("volunteer__branch__name"),
        Column("volunteer_name", "志愿者姓名", "text", "volunteer__name", example="李四"),
        _id_number(Volunteer, "volunteer__id_number", "volunteer_id_number", "志愿者身份证号"),
        _phone(Volunteer, "volunteer__phone", "volunteer_phone", "志愿者联系电话"),
        Column("team", "志愿服务队", "text", "team__name", example="天玉镇应急救护志愿服务队"),
        Column("served_on", "服务日期", "date", "served_on", True, example="2021-06-01"),
        Column("hours", "服务时长（小时）", "decimal", "hours", True, example="2.5", places=1),
        Column(
            "activity",
            "服务内容",
            "text",
            "activity",
            True,
            ServiceRecord,
            "activity",
            example="应急救护培训",
        ),
    ),
)

DONATIONS = Spec(
    slug="donations",
    model=Donation,
    title=pgettext_lazy("import", "Donations"),
    importer_path="imports.importers.DonationImporter",
    natural_key=_("receipt number"),
    order_by=("received_on", "receipt_no"),
    columns=(
        Column(
            "receipt_no",
            "收据编号",
            "text",
            "receipt_no",
            True,
            Donation,
            "receipt_no",
            example="QY2024-0001",
            rule=_("Unique: each receipt number is used once"),
        ),
        _region("branch__region_id"),
        _branch("branch__name", "接收组织"),
        Column(
            "donor",
            "捐赠人",
            "text",
            "donor__name",
            model=Donor,
            field="name",
            example="吉安市某某商会",
        ),
        Column(
            "donor_kind",
            "捐赠人类型",
            "choice",
            "donor__kind",
            choices=DonorKind,
            example="chamber",
        ),
        Column(
            "donor_identifier",
            "捐赠人证件号",
            "digits",
            "donor__identifier",
            what=_("ID number or credit code"),
        ),
        Column("campaign", "筹资活动", "text", "campaign__name", model=Campaign, field="name"),
        Column("kind", "捐赠类型", "choice", "kind", choices=DonationKind, example="cash"),
        Column("amount", "金额（元）", "signed_amount", "amount", True, example="1000.00"),
        Column(
            "in_kind_description",
            "物资及数量",
            "text",
            "in_kind_description",
            model=Donation,
            field="in_kind_description",
        ),
        Column(
            "channel", "渠道", "choice", "channel", True, choices=DonationChannel, example="bank"
        ),
        Column("received_on", "接收日期", "date", "received_on", True, example="2024-09-08"),
        Column("designated", "是否定向", "boolean", "designated", example="否"),
        Column(
            "designation", "定向用途", "text", "designation", model=Donation, field="designation"
        ),
        Column("matching", "是否配捐", "boolean", "matching", example="否"),
        Column("note", "备注", "text", "note", model=Donation, field="note"),
    ),
)

ACTIVITIES = Spec(
    slug="activities",
    model=Activity,
    title=pgettext_lazy("import", "Branch activities"),
    importer_path="imports.importers.ActivityImporter",
    natural_key=_("branch + activity kind + date held"),
    order_by=("branch__region_id", "branch__name", "held_on", "id"),
    columns=(
        _region("branch__region_id"),
        _branch("branch__name"),
        Column(
            "activity_kind",
            "活动类型",
            "text",
            "kind__name",
            True,
            ActivityKind,
            "name",
            example="主题活动日",
            rule=_("An activity kind set everywhere or at the branch's region or above"),
        ),
        Column(
            "held_on",
            "活动日期",
            "date",
            "held_on",
            True,
            example="2025-03-15",
            rule=_("Within the branch's life; entered after the standard's days, marked late"),
        ),
        Column(
            "place",
            "活动地点",
            "text",
            "place",
            model=Activity,
            field="place",
            example="镇政府会议室",
        ),
        Column("members_present", "参加会员人数", "count", "members_present", example="12"),
        Column("volunteers_present", "参加志愿者人数", "count", "volunteers_present", example="5"),
        Column(
            "summary",
            "活动内容",
            "text",
            "summary",
            model=Activity,
            field="summary",
            example="开展“博爱家园”主题活动，宣传应急救护知识",
        ),
    ),
)


def fund_kind_labels(kind: FundKind) -> set[str]:
    """The labels a sheet may name a fund kind by, in Chinese and English."""
    labels = set()
    for language in (EXPORT_LANGUAGE, "en"):
        with translation.override(language):
            labels.add(str(kind.label))
    return labels


def fund_cell() -> models.Expression:
    """A spending's fund as its sheet names it: blank for the branch's unrestricted fund, the
    label of the matching fund's kind, a designated fund's name, else its project."""
    with translation.override(EXPORT_LANGUAGE):
        matching = str(FundKind.MATCHING.label)
    return models.Case(
        models.When(
            fund__kind=FundKind.DESIGNATED,
            then=Coalesce(NullIf("fund__name", models.Value("")), "fund__project"),
        ),
        models.When(fund__kind=FundKind.MATCHING, then=models.Value(matching)),
        default=models.Value(""),
        output_field=models.CharField(),
    )


SPENDINGS = Spec(
    slug="spendings",
    model=Spending,
    title=pgettext_lazy("import", "Spendings"),
    importer_path="imports.importers.SpendingImporter",
    natural_key=_("voucher number"),
    order_by=("spent_on", "voucher_no"),
    annotations=lambda: {"fund_cell": fund_cell()},
    columns=(
        Column(
            "voucher_no",
            "凭证号",
            "text",
            "voucher_no",
            True,
            Spending,
            "voucher_no",
            example="QY-ZC-2025-0001",
            rule=_("Unique: each voucher number is used once"),
        ),
        _region("branch__region_id"),
        _branch("branch__name", "支出组织"),
        Column(
            "fund",
            "资金账户",
            "text",
            "fund_cell",
            model=Fund,
            field="name",
            help=_(
                "Blank: the branch's unrestricted fund; 配捐 for its matching fund; else the "
                "name or project of one of its designated funds"
            ),
        ),
        Column("spent_on", "支出日期", "date", "spent_on", True, example="2025-06-18"),
        Column("amount", "金额（元）", "signed_amount", "amount", True, example="5000.00"),
        Column(
            "category",
            "支出类别",
            "choice",
            "category",
            True,
            choices=SpendingCategory,
            example="aid",
        ),
        Column("project", "项目", "text", "project", model=Spending, field="project"),
        Column(
            "payee",
            "收款方",
            "text",
            "payee",
            True,
            Spending,
            "payee",
            example="天玉镇敬老院",
        ),
        Column(
            "purpose",
            "用途",
            "text",
            "purpose",
            True,
            Spending,
            "purpose",
            example="采购过冬棉被 50 床",
        ),
    ),
)

#: Every import, by the slug of its URL.
SPECS: dict[str, Spec] = {
    spec.slug: spec
    for spec in (
        BRANCHES,
        MEMBERS,
        VOLUNTEERS,
        SERVICE_RECORDS,
        DONATIONS,
        SPENDINGS,
        ACTIVITIES,
    )
}


def spec_for(model: type[models.Model] | models.Model) -> Spec | None:
    """The import spec of ``model`` (a class or an instance), or None if it has none."""
    model = model if isinstance(model, type) else type(model)
    return next((spec for spec in SPECS.values() if spec.model is model), None)
