"""The downloadable templates: the Chinese headers, an example row, and a sheet of notes."""

import csv
import io

from django.utils.translation import gettext as _

from imports.specs import Spec

#: Rows of the template whose ID and phone cells are pre-formatted as text.
TEXT_ROWS = 2000


def template_xlsx(spec: Spec) -> bytes:
    """An .xlsx template: headers, the example row, ID/phone columns typed as text, notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append(spec.export_header())
    sheet.append(spec.example_row())
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, 2 * len(column.header) + 4)
        sheet.cell(1, index).font = Font(bold=True, color="B91C1C" if column.required else None)
        sheet.cell(2, index).font = Font(italic=True, color="6B7280")
        if column.kind in ("digits", "text"):
            for row in range(2, TEXT_ROWS + 2):
                sheet.cell(row, index).number_format = "@"
    sheet.freeze_panes = "A2"
    _notes(workbook.create_sheet("说明"), spec)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _notes(sheet, spec: Spec) -> None:
    sheet.append([_("Column"), _("Required"), _("What to enter")])
    for column in spec.columns:
        sheet.append([column.header, "是" if column.required else "", column_help(column)])
    sheet.append([])
    sheet.append([_("The example row (row 2) is skipped when it is left unchanged.")])
    sheet.append([_("Matched on re-import by: %(key)s") % {"key": spec.natural_key}])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["C"].width = 90


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
    return str(column.help)


def template_csv(spec: Spec) -> bytes:
    """A CSV template in UTF-8 with a byte-order mark, which Excel opens correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spec.export_header())
    writer.writerow(spec.example_row())
    return buffer.getvalue().encode("utf-8-sig")
