"""Writes an .xlsx workbook with an independent writer, as the tools of Excel users do, from a JSON
description on stdin: {"path", "writer", "date1904", "sheets": [{"name", "rows": [[cell, ...]]}]}.

"writer" is "xlsxwriter" (XlsxWriter: shared strings, as Excel and Google Sheets save them) or
"openpyxl" (openpyxl 3.1: inline strings, as streaming writers save them). A cell is a string, a
number, null, {"datetime": "2027-08-27T11:12:00"} (an Excel date serial shown as m/d/yyyy h:mm),
or {"rich": ["Harbor ", "Elementary School"]} (rich text, the first run bold)."""
import json
import sys
from datetime import datetime

spec = json.load(sys.stdin)


def datetime_of(value):
    return datetime.fromisoformat(value["datetime"])


if spec["writer"] == "xlsxwriter":
    import xlsxwriter

    book = xlsxwriter.Workbook(spec["path"], {"date_1904": bool(spec.get("date1904"))})
    date_format = book.add_format({"num_format": "m/d/yyyy h:mm"})
    bold = book.add_format({"bold": True})
    for sheet_spec in spec["sheets"]:
        sheet = book.add_worksheet(sheet_spec["name"])
        for r, row in enumerate(sheet_spec["rows"]):
            for c, value in enumerate(row):
                if isinstance(value, dict) and "datetime" in value:
                    sheet.write_datetime(r, c, datetime_of(value), date_format)
                elif isinstance(value, dict) and "rich" in value:
                    first, *rest = value["rich"]
                    sheet.write_rich_string(r, c, bold, first, *rest)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
else:
    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    book = openpyxl.Workbook()
    book.remove(book.active)
    if spec.get("date1904"):
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    for sheet_spec in spec["sheets"]:
        sheet = book.create_sheet(sheet_spec["name"])
        for r, row in enumerate(sheet_spec["rows"], start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, dict) and "datetime" in value:
                    sheet.cell(row=r, column=c, value=datetime_of(value)).number_format = "m/d/yyyy h:mm"
                elif isinstance(value, dict) and "rich" in value:
                    first, *rest = value["rich"]
                    sheet.cell(row=r, column=c, value=CellRichText([TextBlock(InlineFont(b=True), first), *rest]))
                elif value is not None:
                    sheet.cell(row=r, column=c, value=value)
    book.save(spec["path"])
