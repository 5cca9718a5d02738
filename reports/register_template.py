"""The applications register template (依申请公开登记表.xlsx): the columns of flows/ingest/applications.py
``FIELDS`` with a drop-down list for every column that takes a fixed value, date cells formatted as dates,
and a 说明 sheet that explains each column. ``zwgk applications template FILE`` writes it; the copy shipped in
data/templates/ is the same file (tests/ingest/test_applications.py)."""

from __future__ import annotations

from pathlib import Path

from flows.ingest.applications import FIELDS

LIST_SHEET = "选项"
ROWS_VALIDATED = 2000  # rows the drop-downs and date checks cover


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def write_template(path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    book = Workbook()
    ws = book.active
    ws.title = "登记表"
    lists = book.create_sheet(LIST_SHEET)
    notes = book.create_sheet("说明")
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    list_column = 0
    for col, f in enumerate(FIELDS, start=1):
        cell = ws.cell(row=1, column=col, value=f.header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = _letter(col)
        ws.column_dimensions[letter].width = 30 if f.key in ("content", "result") else 14
        target = f"{letter}2:{letter}{ROWS_VALIDATED + 1}"
        if f.kind == "choice":
            list_column += 1
            lists.cell(row=1, column=list_column, value=f.header).font = bold
            for i, choice in enumerate(f.choices, start=2):
                lists.cell(row=i, column=list_column, value=choice)
            letter_list = _letter(list_column)
            dv = DataValidation(type="list", formula1=f"'{LIST_SHEET}'!${letter_list}$2:${letter_list}${len(f.choices) + 1}",
                                allow_blank=not f.required, showErrorMessage=True,
                                errorTitle=f.header, error=f"请从下拉列表中选择{f.header}")
        elif f.kind == "date":
            dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=not f.required,
                                showErrorMessage=True, errorTitle=f.header, error="应为 2000 年以后的日期，如 2024-03-15")
            for row in range(2, ROWS_VALIDATED + 2):
                ws.cell(row=row, column=col).number_format = "yyyy-mm-dd"
        else:
            continue
        dv.add(target)
        ws.add_data_validation(dv)
    ws.freeze_panes = "B2"
    lists.sheet_state = "hidden"
    notes.append(["列", "必填", "说明"])
    for c in notes[1]:
        c.font = bold
    for f in FIELDS:
        allowed = f"可选：{'、'.join(f.choices)}" if f.kind == "choice" else ("日期，如 2024-03-15" if f.kind == "date" else "")
        notes.append([f.header, "是" if f.required else "", "；".join(x for x in (f.help, allowed) if x)])
    notes.column_dimensions["A"].width, notes.column_dimensions["C"].width = 18, 100
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
