"""The downloadable templates: the Chinese headers, an example row, drop-down lists and a
sheet of rules.

The .xlsx template offers each choice and yes/no column as a drop-down list of the values the
importer reads, and the region, branch, volunteer-team and activity-kind columns as lists of
those in the user's region (``天玉镇（360803100）``, read by its code; branches and teams by name). Excel limits a list typed into
the validation itself to 255 characters, so every list lives in a hidden sheet the validation
refers to. The sheet "填写说明" gives each column's format, allowed values and rules.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from core.exports import DATE, MAX_WIDTH, MONEY, XLSX_MAX_ROWS, column_widths, shown_width
from imports.resolve import region_label
from imports.specs import EXPORT_FALSE, EXPORT_TRUE, Column, Spec
from life.selectors import activity_kind_list
from members.models import VolunteerTeam
from orgs.choices import BranchStatus
from orgs.models import Branch, Region

#: Rows of the template whose cells are pre-formatted (ID and phone numbers as text).
TEXT_ROWS = 2000
DATA_SHEET, RULES_SHEET, LISTS_SHEET = "数据", "填写说明", "下拉选项"
#: The longest region or branch list offered as a drop-down; a larger scope types them.
LIST_LIMIT = 5000
NUMBER_FORMATS = {"date": DATE, "amount": MONEY, "signed_amount": MONEY, "count": "0"}


def template_xlsx(spec: Spec, user=None) -> bytes:
    """An .xlsx template: headers, the example row, formats, drop-down lists, rules.

    With ``user``, the region and branch columns list those of the user's region (two
    queries); without, they have no list.
    """
    lists = template_lists(spec, user)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    _data_sheet(sheet, spec, lists)
    _rules_sheet(workbook.create_sheet(RULES_SHEET), spec, lists)
    _lists_sheet(workbook.create_sheet(LISTS_SHEET), sheet, spec, lists)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_lists(spec: Spec, user) -> dict[str, list[str] | None]:
    """The drop-down values of each listed column, by key; None when too long to list."""
    lists: dict[str, list[str] | None] = {}
    for column in spec.columns:
        if column.kind == "choice":
            lists[column.key] = list(column._export_labels.values())
        elif column.kind == "boolean":
            lists[column.key] = [EXPORT_TRUE, EXPORT_FALSE]
        elif user is not None and column.key == "region":
            lists[column.key] = _bounded(region_choices(user))
        elif user is not None and column.key == "branch":
            lists[column.key] = _bounded(branch_choices(user))
        elif user is not None and column.key == "team":
            lists[column.key] = _bounded(team_choices(user))
        elif user is not None and column.key == "activity_kind":
            lists[column.key] = _bounded(activity_kind_choices(user))
    return lists


def region_choices(user) -> list[str]:
    """The current regions of the user's region, as ``名称（代码）`` (one query)."""
    regions = Region.objects.visible_to(user).current().order_by("code")
    return [
        region_label(name, code)
        for name, code in regions.values_list("name", "code")[: LIST_LIMIT + 1]
    ]


def branch_choices(user) -> list[str]:
    """The names of the branches of the user's region not dissolved (one query)."""
    branches = Branch.objects.visible_to(user).exclude(status=BranchStatus.DISSOLVED)
    names = branches.order_by("name").values_list("name", flat=True).distinct()
    return list(names[: LIST_LIMIT + 1])


def team_choices(user) -> list[str]:
    """The names of the volunteer teams of the user's region (one query).

    The importer finds a team by its name within the row's branch; two branches' teams may
    share a name, which is listed once.
    """
    teams = VolunteerTeam.objects.visible_to(user).order_by("name")
    return list(teams.values_list("name", flat=True).distinct()[: LIST_LIMIT + 1])


def activity_kind_choices(user) -> list[str]:
    """The names of the activity kinds the user sees: set everywhere, or at or above the
    user's region (one query)."""
    kinds = activity_kind_list(user=user).order_by("name")
    return list(kinds.values_list("name", flat=True).distinct()[: LIST_LIMIT + 1])


def _bounded(values: list[str]) -> list[str] | None:
    return values if len(values) <= LIST_LIMIT else None


def _data_sheet(sheet, spec: Spec, lists: dict) -> None:
    header, example = spec.export_header(), spec.example_row()
    sheet.append(header)
    sheet.append(example)
    widths = column_widths([header, example])
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        listed = max((shown_width(value) for value in lists.get(column.key) or []), default=0)
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(widths[index - 1], listed + 4))
        sheet.cell(1, index).font = Font(bold=True, color="B91C1C" if column.required else None)
        sheet.cell(2, index).font = Font(italic=True, color="6B7280")
        number_format = _number_format(column)
        if number_format:
            for row in range(2, TEXT_ROWS + 2):
                sheet.cell(row, index).number_format = number_format
    sheet.freeze_panes = "A2"


def _number_format(column: Column) -> str | None:
    if column.kind in ("digits", "text"):
        return "@"
    if column.kind == "decimal":
        return f"0.{'0' * column.places}"
    return NUMBER_FORMATS.get(column.kind)


def _lists_sheet(sheet, data, spec: Spec, lists: dict) -> None:
    """One column per list, its header then its values; each validates its data column."""
    sheet.sheet_state = "hidden"
    listed = [column for column in spec.columns if lists.get(column.key)]
    for number, column in enumerate(listed, start=1):
        letter = get_column_letter(number)
        values = lists[column.key]
        sheet.cell(1, number, column.header)
        for row, value in enumerate(values, start=2):
            sheet.cell(row, number, value).number_format = "@"
        target = get_column_letter(spec.columns.index(column) + 1)
        validation = _validation(
            column, f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(values) + 1}"
        )
        validation.add(f"{target}2:{target}{XLSX_MAX_ROWS}")
        data.add_data_validation(validation)


def _validation(column: Column, formula: str) -> DataValidation:
    """A drop-down of ``formula``'s cells: choices must be one of them; a region, a branch
    or a team may also be typed (a code, or a name the list does not hold yet)."""
    strict = column.kind in ("choice", "boolean")
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle=column.header,
        error=_("Choose a value from the list.")
        if strict
        else _("This is not in the list of your region: check it before importing."),
    )


def _rules_sheet(sheet, spec: Spec, lists: dict) -> None:
    header = [_("Column name"), _("Required"), _("Format"), _("Allowed values"), _("Rules")]
    sheet.append(header)
    for column in spec.columns:
        sheet.append(
            [
                column.header,
                _("Yes") if column.required else _("No"),
                column_format(column),
                allowed_values(column, lists),
                column_rules(column),
            ]
        )
    sheet.append([])
    sheet.append([_("The example row (row 2) is skipped when it is left unchanged.")])
    sheet.append([_("Matched on re-import by: %(key)s") % {"key": spec.natural_key}])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (22, 8, 30, 50, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_row=len(spec.columns) + 1, min_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def column_format(column: Column) -> str:
    """How a cell of the column is written, for the rules sheet."""
    match column.kind:
        case "date":
            return _("A date such as 2024-03-05")
        case "decimal":
            return _("A number with at most %(places)d decimal") % {"places": column.places}
        case "amount" | "signed_amount":
            return _("Yuan, such as 1234.50")
        case "count":
            return _("A whole number, 0 or more")
        case "boolean" | "choice":
            return _("From the drop-down list")
        case "digits":
            return _("Text (the column is typed as text, so no digit is lost)")
    return _("Text")


def allowed_values(column: Column, lists: dict) -> str:
    """The values the column takes, for the rules sheet."""
    if column.kind in ("choice", "boolean"):
        return "、".join(lists[column.key])
    if column.key == "region":
        listed = lists.get("region")
        if not listed:
            return _("The code or name of a region in your region")
        return _(
            "A region of your region from the drop-down list (%(count)d), or its code or name"
        ) % {"count": len(listed)}
    if column.key == "branch":
        listed = lists.get("branch")
        if not listed:
            return _("The name of a branch in your region")
        return _(
            "A branch of your region from the drop-down list (%(count)d); when two share "
            "the name, fill in the region too"
        ) % {"count": len(listed)}
    if column.key == "activity_kind":
        listed = lists.get("activity_kind")
        if not listed:
            return _("The name of an activity kind set for the branch's region")
        return _(
            "An activity kind from the drop-down list (%(count)d): set everywhere, or at "
            "the branch's region or above"
        ) % {"count": len(listed)}
    if column.key == "team":
        listed = lists.get("team")
        if not listed:
            return _("The name of a volunteer team of the row's branch, or blank")
        return _(
            "A volunteer team of your region from the drop-down list (%(count)d), of the "
            "row's branch, or blank"
        ) % {"count": len(listed)}
    return str(column.help)


def column_rules(column: Column) -> str:
    """What the importer checks in the column, for the rules sheet."""
    rules = []
    if column.required:
        rules.append(_("Must be filled in"))
    if column.kind == "date":
        rules.append(_("Not later than today, not before 1900"))
    if column.kind in ("amount", "signed_amount"):
        rules.append(_("Yuan, more than 0, at most 2 decimals"))
    if column.kind == "decimal":
        rules.append(_("At most %(places)d decimal places") % {"places": column.places})
    if column.max_length and column.kind in ("text", "digits"):
        rules.append(_("At most %(limit)d characters") % {"limit": column.max_length})
    if column.rule:
        rules.append(str(column.rule))
    return "；".join(rules)


def column_help(column) -> str:
    """What a cell of the column may hold, for the notes sheet and the upload page."""
    if column.kind == "choice":
        return _("One of: %(choices)s") % {"choices": "、".join(column._export_labels.values())}
    if column.kind == "date":
        return _("A date such as 2024-03-05")
    if column.kind == "boolean":
        return _("是 or 否")
    if column.kind == "digits":
        return _("Type this column as text in Excel so that no digit is lost")
    if column.kind in ("amount", "signed_amount"):
        return _("Yuan, more than 0, at most 2 decimals")
    if column.kind == "decimal":
        return _("A number with at most %(places)d decimal") % {"places": column.places}
    if column.kind == "count":
        return _("A whole number, 0 or more")
    return str(column.help)


def template_csv(spec: Spec) -> bytes:
    """A CSV template in UTF-8 with a byte-order mark, which Excel opens correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spec.export_header())
    writer.writerow(spec.example_row())
    return buffer.getvalue().encode("utf-8-sig")
