"""What an import says names what is being imported (a nomination list or a question bank), and a hidden sheet of
a workbook is never read without being asked."""
import io

import pytest
from openpyxl import load_workbook

from tests.factories import CourseFactory, OrganisationFactory, UserFactory
from tests.test_import_workbooks import workbook_bytes as plain_workbook
from training_mgr.evaluation import bank
from training_mgr.registrations import importing

HEADER = ["name", "name_ar", "sex", "organisation", "position", "email", "phone", "nominated_by"]
ROW = ["Ahmed Kadhim", "أحمد كاظم", "male", "MoI", "Colonel", "ahmed@moi.gov.iq", "", ""]
QUESTION = ["single", "", "Who may claim asylum?", "", "Anyone", "", "Only visa holders", "", "", "", "", "",
            "", "", "", "", "A"]


def workbook_bytes(sheets, hidden=()):
    """A workbook of ``sheets`` (tests/test_import_workbooks.py), those named in ``hidden`` hidden."""
    workbook = load_workbook(io.BytesIO(plain_workbook(sheets)))
    for title in hidden:
        workbook[title].sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_question_bank_too_long_says_question_bank_not_nomination_list(app):
    course = CourseFactory()
    rows = [list(bank.IMPORT_COLUMNS)] + [QUESTION] * (importing.MAX_IMPORT_ROWS + 1)
    with pytest.raises(importing.NominationImportError) as error:
        bank.import_questions(course, "bank.xlsx", workbook_bytes({"Questions": rows}), max_bytes=10**7,
                              by_user=UserFactory(role="admin"))
    assert "question bank" in str(error.value)
    assert "nomination" not in str(error.value)


def test_a_question_bank_too_large_unpacked_says_question_bank(app, monkeypatch):
    monkeypatch.setattr(importing, "MAX_XLSX_UNPACKED_BYTES", 100)
    data = workbook_bytes({"Questions": [list(bank.IMPORT_COLUMNS), QUESTION]})
    with pytest.raises(importing.NominationImportError) as error:
        bank.import_questions(CourseFactory(), "bank.xlsx", data, max_bytes=10**7, by_user=UserFactory(role="admin"))
    assert "keep only the question bank in it" in str(error.value)
    with pytest.raises(importing.NominationImportError, match="keep only the nomination list in it"):
        importing.read_rows("xlsx", data)


def test_a_nomination_list_too_long_still_says_nomination_list(app):
    data = workbook_bytes({"Nominations": [HEADER] + [ROW] * (importing.MAX_IMPORT_ROWS + 1)})
    with pytest.raises(importing.NominationImportError, match="A nomination list may hold at most 1000 rows"):
        importing.read_rows("xlsx", data)


def test_a_hidden_sheet_named_as_in_the_template_is_not_read_in_place_of_the_visible_list(app, people):
    OrganisationFactory(name="Ministry of Interior", acronym="MoI")
    hidden_person = ["Hidden Person", "", "female", "MoI", "", "hidden@moi.gov.iq", "", ""]
    data = workbook_bytes({"People": [HEADER, ROW], "Nominations": [HEADER, hidden_person]}, hidden=("Nominations",))
    preview = importing.preview_upload(people.training, "list.xlsx", data, 10**7)
    assert [row.values["name"] for row in preview.rows] == ["Ahmed Kadhim"]


def test_a_hidden_sheet_is_not_offered_nor_read_when_chosen(app, people):
    data = workbook_bytes({"Ministry A": [HEADER, ROW], "Ministry B": [HEADER, ROW], "Secret": [HEADER, ROW]},
                          hidden=("Secret",))
    with pytest.raises(importing.NominationImportError) as error:
        importing.read_rows("xlsx", data)
    assert error.value.sheets == ("Ministry A", "Ministry B")
    with pytest.raises(importing.NominationImportError) as error:
        importing.read_rows("xlsx", data, sheet="Secret")
    assert "no sheet “Secret”" in str(error.value)
