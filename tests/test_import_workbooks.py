"""Reading an uploaded workbook: formulas without saved results, the sheet named as in the template or the one the user
chooses among several (nomination lists, the focal point's spreadsheet, the question bank), and the preview."""
import io

from openpyxl import Workbook

from tests.factories import OrganisationFactory
from training_mgr.extensions import db
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


# --- choosing the sheet on the upload pages -------------------------------------------------------------------------

def upload(client, url, data, **fields):
    return client.post(url, data={"file": (io.BytesIO(data), "list.xlsx"), **fields}, content_type="multipart/form-data")


def sheet_options(page: str) -> list[str]:
    import re

    select = re.search(r'<select[^>]*name="sheet".*?</select>', page, re.S)
    return re.findall(r'<option[^>]*value="([^"]+)"', select.group(0)) if select else []


def test_the_officer_chooses_the_sheet_of_a_workbook_with_several_and_sees_its_preview(app, people, login):
    OrganisationFactory(name="Ministry of Interior", acronym="MoI")
    officer = login(people.officer)
    url = f"/officer/trainings/{people.training.id}/registrations/import"
    other = ["Sara Ali", "", "female", "MoI", "", "sara@moi.gov.iq", "", ""]
    data = workbook_bytes({"Ministry A": [HEADER, ROW], "Ministry B": [HEADER, other]})
    page = upload(officer, url, data)
    assert page.status_code == 422
    assert sheet_options(page.text) == ["Ministry A", "Ministry B"]  # asked, not only told
    assert 'id="sheet-error"' in page.text and "none is named “Nominations”" in page.text
    preview = upload(officer, url, data, sheet="Ministry B")
    assert preview.status_code == 200 and "Sara Ali" in preview.text and "Ahmed Kadhim" not in preview.text
    # a file sent again without the sheet chosen is asked about again; a sheet the file lacks too, with its sheets
    missing = upload(officer, url, workbook_bytes({"One": [HEADER, ROW], "Two": [HEADER, other]}), sheet="Ministry B")
    assert missing.status_code == 422 and sheet_options(missing.text) == ["One", "Two"]
    assert "no sheet “Ministry B”" in missing.text


def test_a_sheet_chosen_is_kept_when_the_file_is_missing(app, people, login):
    page = login(people.officer).post(f"/officer/trainings/{people.training.id}/registrations/import",
                                      data={"sheet": "Ministry B"}, content_type="multipart/form-data")
    assert page.status_code == 422 and sheet_options(page.text) == ["Ministry B"]
    assert '<option selected value="Ministry B">' in page.text or 'value="Ministry B" selected' in page.text


def test_the_focal_point_chooses_the_sheet_and_the_officials_in_it_are_nominated(app, people):
    from datetime import date, timedelta

    from training_mgr.nominations import services
    from training_mgr.nominations.inputs import InvitationDetails
    from training_mgr.nominations.models import Nomination

    interior = OrganisationFactory(name="Ministry of Interior", acronym="MoI")
    _invitation, token = services.invite(people.training, InvitationDetails(
        organisation_id=interior.id, focal_point_name="Colonel Salim Hadi", focal_point_email="focal@moi.gov.iq",
        seats=3, deadline=date.today() + timedelta(days=10), locale="en"), by_user=None)
    data = workbook_bytes({"Notes": [["Sent by the directorate"]],
                           "Officials": [["name", "sex", "email"], ["Hiba Jassim", "female", "hiba@moi.gov.iq"]]})
    client = app.test_client()
    page = upload(client, f"/nominations/{token}/upload", data)
    assert page.status_code == 422 and sheet_options(page.text) == ["Notes", "Officials"]
    assert db.session.query(Nomination).count() == 0
    done = upload(client, f"/nominations/{token}/upload", data, sheet="Officials")
    assert done.status_code == 302
    assert [n.name for n in db.session.query(Nomination)] == ["Hiba Jassim"]


def test_the_question_bank_reads_its_templates_sheet_or_the_one_chosen(app, people):
    from tests.factories import CourseFactory, UserFactory
    from training_mgr.evaluation import bank
    from training_mgr.evaluation.models import Question

    course = CourseFactory()
    admin = app.test_client(user=UserFactory(role="admin"))
    url = f"/courses/{course.id}/questions/import"
    question = ["single", "", "Who may claim asylum?", "", "Anyone", "", "Only visa holders", "", "", "", "", "",
                "", "", "", "", "A"]
    template = workbook_bytes({"Read me": [["Fill in the Questions sheet"]],
                               "Questions": [list(bank.IMPORT_COLUMNS), question]})
    assert upload(admin, url, template).status_code == 302  # the template's sheet, among several
    other = workbook_bytes({"Read me": [["Fill in the sheet"]], "Module 2": [list(bank.IMPORT_COLUMNS), question]})
    page = upload(admin, url, other)
    assert page.status_code == 422 and sheet_options(page.text) == ["Read me", "Module 2"]
    assert upload(admin, url, other, sheet="Module 2").status_code == 302
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(bank.template_xlsx())).sheetnames == ["Questions"]
    assert db.session.query(Question).filter_by(course_id=course.id).count() == 2


def declared_wide(rows, last_row: int) -> bytes:
    """A workbook of ``rows`` and one cell in row ``last_row``, whose sheet declares 16,384 columns (A1:XFD…)."""
    import re
    import zipfile

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nominations"
    for row in rows:
        sheet.append(row)
    sheet.cell(row=last_row, column=1, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:XFD{last_row}"'.encode(), content)
            target.writestr(info, content)
    return out.getvalue()


def test_a_sheet_declaring_16384_columns_is_read_quickly_as_its_real_cells(app, people):
    import time

    data = declared_wide([HEADER, ROW], 9000)
    assert len(data) < 10_000
    started = time.perf_counter()
    header, rows = importing.read_rows("xlsx", data)
    assert time.perf_counter() - started < 2
    assert header[:8] == HEADER and not any(header[8:])
    assert len(rows) == 2 and rows[0] == (2, ROW + [""] * (len(rows[0][1]) - 8)) and rows[1][0] == 9000
    assert max(len(cells) for cells in [header] + [cells for _, cells in rows]) <= 64


def test_a_sheet_declaring_more_rows_than_allowed_is_refused_quickly(app, people):
    import time

    data = declared_wide([HEADER, ROW], 20000)
    started = time.perf_counter()
    result, error = preview(people, data)
    assert time.perf_counter() - started < 2
    assert result is None and "at most 1000 rows" in error
