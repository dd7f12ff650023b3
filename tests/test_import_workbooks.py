"""Reading a nomination workbook: formulas without saved results, several sheets, and the preview."""
import io

from openpyxl import Workbook

from tests.factories import OrganisationFactory
from training_mgr.registrations import importing

MAX = 5 * 1024 * 1024
HEADER = ["name", "name_ar", "sex", "organisation", "position", "email", "phone", "nominated_by"]
ROW = ["Ahmed Kadhim", "أحمد كاظم", "male", "MoI", "Colonel", "ahmed@moi.gov.iq", "", ""]


def workbook_bytes(sheets):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl saves formulas without their results, as many generators do
    return buffer.getvalue()


def preview(people, data):
    OrganisationFactory(name="Ministry of Interior", acronym="MoI")
    try:
        return importing.preview_upload(people.training, "list.xlsx", data, MAX), None
    except importing.NominationImportError as error:
        return None, str(error)


def test_a_formula_without_a_saved_result_is_named_not_called_a_missing_name(app, people):
    data = workbook_bytes({"Nominations": [HEADER, ['=CONCATENATE("Ahmed", " Kadhim")', *ROW[1:]]]})
    result, error = preview(people, data)
    assert result is None
    assert "Cells A2 hold formulas whose results are not saved in the file" in error
    assert "missing" not in error


def test_the_sheet_named_as_in_the_template_is_read_among_several(app, people):
    data = workbook_bytes({"Notes": [["anything"]], "Nominations": [HEADER, ROW], "Help": [["Column"]]})
    result, error = preview(people, data)
    assert error is None and result.ok and [row.values["name"] for row in result.rows] == ["Ahmed Kadhim"]


def test_several_sheets_without_the_template_name_are_asked_about(app, people):
    data = workbook_bytes({"Ministry A": [HEADER, ROW], "Ministry B": [HEADER, ROW]})
    result, error = preview(people, data)
    assert result is None
    assert "This workbook has several sheets (“Ministry A”, “Ministry B”)" in error
    assert "“Nominations”" in error


def test_one_filled_sheet_beside_an_empty_one_is_read(app, people):
    data = workbook_bytes({"List": [HEADER, ROW], "Sheet2": []})
    result, error = preview(people, data)
    assert error is None and result.ok
