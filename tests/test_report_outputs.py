"""Report files and screens: the XLSX, the PDF text, the CSV and the API tell the same numbers for the demo;
Arabic reads back in order; formula injection is neutralised; managers read and never write."""
import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import (
    AttendanceMarkFactory, OrganisationFactory, ParticipantFactory, RecommendationFactory, RegistrationFactory,
    TrainingSessionFactory,
)
from training_mgr.auth.models import User
from training_mgr.seeds.demo import seed_demo
from training_mgr.core.exports import csv_bytes, neutralise_formula
from training_mgr.seeds.synthetic import seed_synthetic
from training_mgr.extensions import db
from training_mgr.reports.charts import bar_chart

YEAR_2022 = "from=2022-01-01&to=2022-12-31"


@pytest.fixture
def demo_manager(app, login):
    seed_demo()
    manager = db.session.scalar(select(User).where(User.email == "manager@example.org"))
    return login(manager)


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces as single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def sheet_rows(workbook, title):
    return [row for row in workbook[title].iter_rows(values_only=True)]


def test_demo_numbers_agree_in_the_xlsx_the_pdfs_the_csv_and_the_api(demo_manager):
    # the API, as another system would read it
    registrations = demo_manager.get("/api/v1/sessions/1/registrations?per_page=500").json["items"]
    confirmed = [r for r in registrations if r["status"] == "confirmed"]
    attended = [r for r in confirmed if {"present", "late"} & set(r["attendance"].values())]
    api_person_days = sum(1 for r in confirmed for mark in r["attendance"].values() if mark in ("present", "late"))
    api_by_sex = {sex: sum(1 for r in attended if r["participant"]["sex"] == sex) for sex in ("female", "male")}
    api_entities = {r["participant"]["organisation"] for r in attended}
    assert (len(confirmed), len(attended), api_person_days, api_by_sex, len(api_entities)) == (
        20, 20, 58, {"female": 6, "male": 14}, 6,
    )
    api_days = {day for r in confirmed for day in r["attendance"]}
    assert len(api_days) == 3

    # the programme spreadsheet for 2022
    response = demo_manager.get(f"/dashboard/report.xlsx?{YEAR_2022}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    summary = dict(sheet_rows(workbook, "Summary")[1:])
    assert summary["Trainings held"] == 1
    assert summary["Persons trained (unique)"] == len(attended)
    assert summary["Persons trained: Female"] == api_by_sex["female"]
    assert summary["Persons trained: Male"] == api_by_sex["male"]
    assert summary["Organisations represented"] == len(api_entities)
    assert summary["Person-days of training"] == api_person_days
    assert summary["Period from"] == datetime(2022, 1, 1)
    by_organisation = sheet_rows(workbook, "By organisation")
    assert by_organisation[0] == ("Organisation", "Female", "Male", "Total")
    body, total = by_organisation[1:-1], by_organisation[-1]
    assert len(body) == 6 and total == ("Total", 6, 14, 20)
    assert sum(row[3] for row in body) == total[3] and all(row[1] + row[2] == row[3] for row in body)
    by_sex = sheet_rows(workbook, "By sex")
    assert by_sex[1:] == [("Female", 6), ("Male", 14), ("Total", 20)]
    (training,) = sheet_rows(workbook, "Trainings")[1:]
    assert training[0] == 1 and training[2] == datetime(2022, 2, 15) and training[9] == 20 and training[12] == 58
    assert sum(row[1] for row in sheet_rows(workbook, "Recommendations")[1:-1]) == 6

    # the programme PDF and the reference training's PDF
    programme = pdf_text(demo_manager.get(f"/dashboard/report.pdf?{YEAR_2022}").data)
    session = pdf_text(demo_manager.get("/officer/trainings/1/report.pdf").data)
    for text in (programme, session):
        assert re.search(r"Ministry of Interior\s*2\s*3\s*5", text)
        assert re.search(r"Total\s*6\s*14\s*20", text)
    assert re.search(r"58\s*Person-days of training", session)
    assert re.search(r"6\s*Organisations represented", session)
    # each participant's marks, a letter a day in date order, as the API gives them
    letters = {"present": "P", "late": "L", "excused": "E", "absent": "A"}
    marks = sorted(" ".join(letters[r["attendance"][day]] if day in r["attendance"] else "—" for day in sorted(api_days))
                   for r in confirmed)
    assert sorted(re.findall(r"(?<!\S)[PLEA—] [PLEA—] [PLEA—](?!\S)", session)) == marks
    assert "P Present · L Late · E Excused · A Absent · — not marked" in session

    # the participant list
    rows = list(csv.reader(io.StringIO(demo_manager.get(f"/dashboard/participants.csv?{YEAR_2022}").data.decode("utf-8-sig"))))
    assert len(rows) - 1 == len(confirmed)
    assert sum(int(row[10]) for row in rows[1:]) == api_person_days


def test_session_report_pdf_in_english(demo_manager):
    response = demo_manager.get("/officer/trainings/1/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) >= 3
    assert reader.metadata.title.startswith("Training report")
    text = pdf_text(response.data)
    assert "National Training for Iraq on Human Rights at" in text
    assert "التدريب الوطني للعراق" in text  # the Arabic title on the cover, in logical order
    assert "Al-Nahrain Centre for Strategic Studies" in text and "International Organization for Migration" in text
    assert "Feb 15 – 17, 2022" in text
    assert "Zainab Hussein Al-Jubouri" in text
    assert "Ensure female officers are available" in text and "Implemented" in text
    assert "Border Points Commission" in text
    assert "No certificate has been issued yet." in text


def test_session_report_pdf_in_arabic_reads_back_in_logical_order(demo_manager):
    text = pdf_text(demo_manager.get("/officer/trainings/1/report.pdf?lang=ar").data)
    assert "وزارة الداخلية" in text
    assert "هيئة المنافذ الحدودية" in text
    assert "زينب حسين الجبوري" in text  # participants' names in Arabic script
    assert "بغداد" in text
    assert "Zainab Hussein Al-Jubouri" not in text


def test_formula_injection_is_neutralised_in_xlsx_and_csv(app, login, people):
    assert [neutralise_formula(v) for v in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\r=x", "safe", 5)] == [
        "'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\r=x", "safe", 5,
    ]
    organisation = OrganisationFactory(name='=HYPERLINK("http://evil.example","click")', name_ar="+1 وزارة")
    training = TrainingSessionFactory(start_date=date(2022, 5, 1), end_date=date(2022, 5, 1), status="completed")
    for name in ('=HYPERLINK("http://evil.example","x")', "+1", "@cmd"):
        registration = RegistrationFactory(
            training=training, participant=ParticipantFactory(name=name, organisation=organisation)
        )
        AttendanceMarkFactory(registration=registration, session_day=training.days[0])
    client = login(people.manager)

    workbook = load_workbook(io.BytesIO(client.get("/dashboard/report.xlsx").data))
    (row,) = sheet_rows(workbook, "By organisation")[1:-1]
    assert row[0] == '\'=HYPERLINK("http://evil.example","click")'
    assert workbook["By organisation"]["A2"].data_type == "s"
    participants = workbook["Participants"]
    assert sorted(row[3] for row in sheet_rows(workbook, "Participants")[1:]) == sorted(
        ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1", "'@cmd"]
    )
    assert all(cell.data_type == "s" for (cell,) in participants.iter_rows(min_row=2, min_col=4, max_col=4))
    assert {row[6] for row in sheet_rows(workbook, "Participants")[1:]} == {'\'=HYPERLINK("http://evil.example","click")'}

    data = client.get(f"/officer/trainings/{training.id}/participants.csv").data
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    names = [row[3] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:]
    assert sorted(names) == sorted(["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1", "'@cmd"])
    assert "'=HYPERLINK" in client.get("/dashboard/participants.csv").data.decode("utf-8-sig")


def test_csv_keeps_arabic_and_types():
    data = csv_bytes(["Name", "Days"], [["زينب", 3], [None, 0.5]])
    assert data.decode("utf-8-sig").splitlines() == ["Name,Days", "زينب,3", ",0.5"]


def test_xlsx_has_typed_cells_frozen_headers_and_one_sheet_per_table(demo_manager):
    english = load_workbook(io.BytesIO(demo_manager.get("/dashboard/report.xlsx").data))
    assert english.sheetnames == [
        "Summary", "Trainings", "By sex", "By organisation", "By course", "Recommendations", "Overdue recommendations",
        "Evaluation", "Evaluation by sex", "Evaluation by organisation", "Reaction survey", "Evaluation definitions",
        "Participants",
    ]
    assert not english["Summary"].sheet_view.rightToLeft
    workbook = load_workbook(io.BytesIO(demo_manager.get("/dashboard/report.xlsx?lang=ar").data))
    assert len(workbook.sheetnames) == 13
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold
        assert sheet.sheet_view.rightToLeft  # Arabic: sheets read right to left
    trainings = workbook.worksheets[1]
    assert trainings["C2"].is_date and trainings["G2"].data_type == "n"
    assert trainings.column_dimensions["B"].width > 20
    assert trainings["B2"].value.startswith("التدريب الوطني")


def comparable(value):
    """A value read back from the spreadsheet or the CSV, in a form both give alike (a spreadsheet keeps 1.0 as 1)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, (int, float)) or re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    return value


def test_xlsx_participants_sheet_lists_the_same_people_as_the_csv(demo_manager):
    csv_rows = list(csv.reader(io.StringIO(
        demo_manager.get(f"/dashboard/participants.csv?{YEAR_2022}").data.decode("utf-8-sig")
    )))
    workbook = load_workbook(io.BytesIO(demo_manager.get(f"/dashboard/report.xlsx?{YEAR_2022}").data))
    rows = sheet_rows(workbook, "Participants")
    assert len(rows) == 1 + 20  # the demo's 20 officials
    assert [[comparable(v) for v in row] for row in rows] == [[comparable(v) for v in row] for row in csv_rows]
    header = rows[0]
    by_name = {row[header.index("Name")]: row for row in rows[1:]}
    zainab = by_name["Zainab Hussein Al-Jubouri"]
    assert zainab[header.index("Name (Arabic)")] == "زينب حسين الجبوري"
    assert zainab[header.index("Start date")] == datetime(2022, 2, 15)
    assert isinstance(zainab[header.index("Days attended")], int)
    sheet = workbook["Participants"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    rates = [cell for (cell,) in sheet.iter_rows(min_row=2, min_col=header.index("Attendance rate") + 1,
                                                 max_col=header.index("Attendance rate") + 1)]
    assert all(cell.number_format == "0.0%" for cell in rates)
    assert sorted(cell.value for cell in rates)[:2] == [0.6667, 0.6667]  # an absence and an excused day

    arabic = load_workbook(io.BytesIO(demo_manager.get(f"/dashboard/report.xlsx?{YEAR_2022}&lang=ar").data))
    sheet = arabic.worksheets[-1]
    assert sheet.sheet_view.rightToLeft and sheet.max_row == 21
    assert "زينب حسين الجبوري" in [row[4] for row in sheet.iter_rows(values_only=True)]


def test_programme_downloads_and_dashboard_statements_do_not_grow_with_the_data(login, people, count_queries):
    manager = login(people.manager)
    urls = ("/dashboard", "/dashboard/report.xlsx", "/dashboard/participants.csv")

    def statements():
        counts = []
        for url in urls:
            with count_queries() as seen:
                assert manager.get(url).status_code == 200
            counts.append(len(seen))
        return counts

    seed_synthetic(4, 5, seed=1)
    few = statements()
    seed_synthetic(40, 30, seed=2)
    many = statements()
    people_listed = load_workbook(io.BytesIO(manager.get("/dashboard/report.xlsx").data))["Participants"].max_row - 1
    assert people_listed > 100
    assert many == few


def overdue_rows(html: str) -> list:
    section = html[html.index('id="overdue-heading"'):]
    section = section[:section.index("</section>")]
    return re.findall(r"Follow-up action (\d+)", section)


def trainings_rows(html: str) -> list:
    return re.findall(r'data-download="session-report-(\d+)"', html)


def test_dashboard_pages_overdue_recommendations_apart_from_the_trainings(login, people):
    trainings = [
        TrainingSessionFactory(start_date=date(2022, 1, 1) + timedelta(days=7 * i), status="completed")
        for i in range(22)
    ]
    for i in range(30):
        RecommendationFactory(
            training=trainings[i % 3], text=f"Follow-up action {i:02d}",
            due_date=date(2022, 6, 1) + timedelta(days=i), status="in_progress",
        )
    RecommendationFactory(training=trainings[0], due_date=date(2022, 6, 1), status="implemented")
    manager = login(people.manager)
    newest_first = [str(training.id) for training in reversed(trainings)]

    first = manager.get("/dashboard").get_data(as_text=True)
    assert overdue_rows(first) == [f"{i:02d}" for i in range(25)]
    assert 'data-figure="overdue">30<' in first
    assert trainings_rows(first) == newest_first[:20]
    assert 'href="/dashboard?overdue_page=2"' in first and 'href="/dashboard?page=2"' in first
    assert 'aria-label="Pages of overdue recommendations"' in first and 'aria-label="Pages of trainings held"' in first

    second = manager.get("/dashboard?overdue_page=2").get_data(as_text=True)
    assert overdue_rows(second) == [f"{i:02d}" for i in range(25, 30)]
    assert 'data-figure="overdue">30<' in second
    assert trainings_rows(second) == newest_first[:20]  # the trainings stay on their first page
    assert 'href="/dashboard?overdue_page=2&amp;page=2"' in second  # the trainings' pages keep this page

    trainings_second = manager.get("/dashboard?page=2").get_data(as_text=True)
    assert trainings_rows(trainings_second) == newest_first[20:]
    assert overdue_rows(trainings_second) == [f"{i:02d}" for i in range(25)]
    assert 'href="/dashboard?page=2&amp;overdue_page=2"' in trainings_second

    # the spreadsheet and the PDF list every overdue recommendation, not one page of them
    workbook = load_workbook(io.BytesIO(manager.get("/dashboard/report.xlsx").data))
    assert [row[0] for row in sheet_rows(workbook, "Overdue recommendations")[1:]] == [
        f"Follow-up action {i:02d}" for i in range(30)
    ]
    assert re.findall(r"Follow-up action (\d+)", pdf_text(manager.get("/dashboard/report.pdf").data)) == [
        f"{i:02d}" for i in range(30)
    ]


def test_dashboard_shows_the_same_figures_and_charts_with_filters(demo_manager):
    page = demo_manager.get(f"/dashboard?{YEAR_2022}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'data-figure="persons-trained">20<', html)
    assert re.search(r'data-figure="trainings-held">1<', html)
    assert re.search(r'data-figure="person-days">58<', html)
    assert html.count('<figure class="tm-chart">') == 4 + 2 and "<svg" in html  # and the evaluation's knowledge and reaction
    assert 'action="/officer/trainings/1/report/prepare"' in html  # each training's files, as bulk jobs too
    assert 'action="/dashboard/report/prepare?from=2022-01-01&amp;to=2022-12-31"' in html  # the files, as bulk jobs
    empty = demo_manager.get("/dashboard?from=2023-01-01&to=2023-12-31").get_data(as_text=True)
    assert 'data-figure="persons-trained">0<' in empty and "No training was held in this period." in empty


@pytest.mark.parametrize("query, message", [
    ("from=2023-01-01&to=2022-01-01", "The end of the period must not be before its start."),
    ("from=not-a-date", "Not a valid date value."),
    ("course=999", "Not a valid choice."),
    ("organisation=abc", "Not a valid choice."),
])
def test_bad_filters_are_shown_beside_the_field_never_a_500(demo_manager, query, message):
    response = demo_manager.get(f"/dashboard?{query}")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    download = demo_manager.get(f"/dashboard/report.pdf?{query}")
    assert download.status_code == 302 and download.location.startswith("/dashboard?")


def test_who_may_see_reports(client, login, people):
    training = people.training
    for user, dashboard, report in [
        (people.manager, 200, 200), (people.admin, 200, 200), (people.officer, 403, 200),
        (people.other_officer, 403, 403), (people.participant, 403, 403),
    ]:
        c = login(user)
        assert c.get("/dashboard").status_code == dashboard, user.role
        assert c.get("/dashboard/report.xlsx").status_code == dashboard, user.role
        assert c.get(f"/officer/trainings/{training.id}/report.pdf").status_code == report, user.role
        assert c.get(f"/officer/trainings/{training.id}/participants.csv").status_code == report, user.role
    assert client.get("/dashboard").status_code == 302 and "/login" in client.get("/dashboard").location
    assert login(people.manager).get("/officer/trainings/9999/report.pdf").status_code == 404


def test_managers_only_read(login, people):
    manager = login(people.manager)
    for url in ("/dashboard", "/dashboard/report.pdf", "/dashboard/report.xlsx", "/dashboard/participants.csv",
                f"/officer/trainings/{people.training.id}/report.pdf"):
        assert manager.post(url).status_code == 405


def test_chart_escapes_labels_and_mirrors_in_right_to_left(app):
    chart = str(bar_chart("Title <b>", [("<script>alert(1)</script>", [3, 1]), ("B", [1, 0])], series=["F", "M"]))
    assert "<script>" not in chart and "&lt;script&gt;" in chart
    assert chart.count("<rect") == 3 + 2  # three segments and two legend swatches
    assert '<rect x="0.0"' in chart
    rtl = str(bar_chart("T", [("A", 4)], rtl=True))
    assert '<rect x="0.0" y="0" width="240.0"' in rtl
    assert '<rect x="180.0"' in str(bar_chart("T", [("A", 1), ("B", 4)], rtl=True))


def test_report_commands(app, runner, tmp_path):
    seed_demo()
    pdf, xlsx = tmp_path / "reference.pdf", tmp_path / "programme.xlsx"
    result = runner.invoke(args=["report", "session", "1", "--output", str(pdf)])
    assert result.exit_code == 0, result.output
    assert "Zainab Hussein Al-Jubouri" in pdf_text(pdf.read_bytes())
    result = runner.invoke(args=["report", "programme", "--from", "2022-01-01", "--to", "2022-12-31", "--output", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert dict(sheet_rows(load_workbook(xlsx), "Summary")[1:])["Persons trained (unique)"] == 20
    programme_pdf = tmp_path / "programme.pdf"
    assert runner.invoke(args=["report", "programme", "--output", str(programme_pdf), "--lang", "ar"]).exit_code == 0
    assert "وزارة الداخلية" in pdf_text(programme_pdf.read_bytes())
    assert runner.invoke(args=["report", "programme", "--output", str(tmp_path / "x.doc")]).exit_code != 0
    assert "No training with id 99" in runner.invoke(args=["report", "session", "99", "--output", str(pdf)]).output
