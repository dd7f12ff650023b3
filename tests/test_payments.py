"""The payment sheet: days attended × the training's daily rate, per person and per organisation, as PDF and XLSX."""
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import AttendanceMarkFactory, OrganisationFactory, ParticipantFactory, RegistrationFactory
from training_mgr.extensions import db
from training_mgr.payments import services


@pytest.fixture
def paid(people):
    """A training at 25,000 IQD a day: Ahmed attended 3 days (one late), Sara 1, Ali none; Omar withdrew after a day."""
    training = people.training
    training.daily_rate, training.currency = Decimal("25000"), "IQD"
    interior = OrganisationFactory(name="Ministry of Interior", name_ar="وزارة الداخلية")
    customs = OrganisationFactory(name="General Commission of Customs", name_ar="الهيئة العامة للكمارك")
    people_marks = {
        ("Ahmed Kadhim", "أحمد كاظم", interior, "confirmed"): ["present", "late", "present"],
        ("Sara Ali", "سارة علي", interior, "confirmed"): ["present", "absent", "excused"],
        ("Ali Hassan", "علي حسن", customs, "confirmed"): ["absent"],
        ("Omar Saadi", "عمر الساعدي", customs, "withdrawn"): ["present"],
        ("=HYPERLINK(\"http://evil\")", None, customs, "confirmed"): ["present"],
    }
    for (name, name_ar, organisation, status), marks in people_marks.items():
        registration = RegistrationFactory(training=training, status=status, participant=ParticipantFactory(
            name=name, name_ar=name_ar, organisation=organisation))
        for day, mark in zip(training.days, marks):
            AttendanceMarkFactory(registration=registration, session_day=day, status=mark)
    db.session.commit()
    return training


def test_days_attended_times_the_rate_with_totals_per_organisation_and_the_rows_left_out(paid):
    sheet = services.payment_sheet(paid)
    assert [(r.name, r.days, r.amount) for r in sheet.rows] == [
        ("=HYPERLINK(\"http://evil\")", 1, Decimal("25000")), ("Ahmed Kadhim", 3, Decimal("75000")), ("Sara Ali", 1, Decimal("25000"))]
    assert [(t.name, t.people, t.days, t.amount) for t in sheet.by_organisation] == [
        ("General Commission of Customs", 1, 1, Decimal("25000")), ("Ministry of Interior", 2, 4, Decimal("100000"))]
    assert sheet.total_days == 5 and sheet.total_amount == Decimal("125000")
    assert {(r.name, r.reason) for r in sheet.excluded} == {
        ("Ali Hassan", "Attended no day."), ("Omar Saadi", "Registration withdrawn: the day marked is not paid.")}


def test_the_pdf_has_a_signature_column_the_totals_and_the_reasons(paid, people, login):
    response = login(people.manager).get(f"/officer/trainings/{paid.id}/payment-sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert round(float(reader.pages[0].mediabox.width)) == 842  # A4 landscape
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Signature" in text and "Ahmed Kadhim" in text and "أحمد كاظم" in text and "75,000" in text
    assert "125,000" in text and "Totals per organisation" in text and "100,000" in text
    assert "Attended no day." in text and "Omar Saadi" in text


def test_the_workbook_holds_the_people_the_organisations_and_the_rows_left_out_with_formulas_neutralised(paid, people, login):
    response = login(people.officer).get(f"/officer/trainings/{paid.id}/payment-sheet.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    people_sheet, by_org, excluded = workbook.worksheets
    rows = [[c.value for c in row] for row in people_sheet.iter_rows(min_row=3)]
    assert rows[0] == ["#", "Name", "Name (Arabic)", "Organisation", "Days attended", "Amount (IQD)", "Signature"]
    assert rows[2][1:6] == ["Ahmed Kadhim", "أحمد كاظم", "Ministry of Interior", 3, 75000]
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\")"
    assert rows[-1][1] == "Total" and rows[-1][4:6] == [5, 125000]
    assert [c.value for c in by_org[3]] == ["Ministry of Interior", "وزارة الداخلية", 2, 4, 100000]
    assert {row[0].value for row in excluded.iter_rows(min_row=2)} == {"Ali Hassan", "Omar Saadi"}


def test_the_officer_sets_the_rate_and_bad_input_is_shown_beside_the_field(people, login):
    officer = login(people.officer)
    url = f"/officer/trainings/{people.training.id}/payment-sheet"
    assert officer.get(f"{url}.pdf").status_code == 302  # no rate yet
    response = officer.post(url, data={"daily_rate": "25000", "currency": "QQQ"})
    assert response.status_code == 422 and "is not a currency code" in response.text and 'value="25000' in response.text
    response = officer.post(url, data={"daily_rate": "-5", "currency": "IQD"})
    assert response.status_code == 422
    response = officer.post(url, data={"daily_rate": "25000", "currency": "usd"}, follow_redirects=True)
    assert "Daily rate saved." in response.text
    assert people.training.daily_rate == Decimal("25000") and people.training.currency == "USD"
    manager = login(people.manager)
    assert manager.post(url, data={"daily_rate": "1", "currency": "USD"}).status_code == 403  # managers never write
    assert people.training.daily_rate == Decimal("25000")


def test_a_manager_finds_the_sheet_from_the_dashboard_and_the_trainings_page_and_reads_it(paid, people, login):
    manager = login(people.manager)
    url = f"/officer/trainings/{paid.id}/payment-sheet"
    paid.status = "completed"
    db.session.commit()
    assert f'href="{url}"' in manager.get("/dashboard").text
    assert f'href="{url}"' in manager.get(f"/officer/trainings/{paid.id}").text
    assert f'href="{url}"' in manager.get(f"/officer/trainings/{paid.id}/attendance").text
    page = manager.get(url)
    assert page.status_code == 200
    assert "Daily rate: 25,000 IQD." in page.text and "Ministry of Interior" in page.text
    assert f"{url}.pdf" in page.text and f"{url}.xlsx" in page.text
    assert 'name="daily_rate"' not in page.text  # the rate is the officers' to set


def test_a_manager_is_told_when_no_rate_is_set_yet(people, login):
    page = login(people.manager).get(f"/officer/trainings/{people.training.id}/payment-sheet")
    assert page.status_code == 200 and "No daily rate is set yet" in page.text
