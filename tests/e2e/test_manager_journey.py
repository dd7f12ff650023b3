"""A programme manager filters the dashboard to 2022 and downloads the reports they file."""
import zipfile

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.e2e.pages import DashboardPage, LoginPage
from training_mgr.seeds.demo import REFERENCE_TITLE


def test_manager_filters_the_dashboard_and_downloads_the_reports(page, live_server, tmp_path):
    LoginPage(page).open().log_in("manager@example.org", live_server.password)
    dashboard = DashboardPage(page).open().filter(date_from="2022-01-01", date_to="2022-12-31")
    assert "from=2022-01-01" in page.url and "to=2022-12-31" in page.url
    assert dashboard.figure("trainings-held") == "1"
    assert dashboard.figure("persons-trained") == "20"
    assert dashboard.figure("person-days") == "58"
    assert page.locator("figure.tm-chart svg").count() > 0

    pdf = dashboard.download("Programme report (PDF)")
    assert pdf.suggested_filename == "programme-report-2022-01-01-2022-12-31.pdf"
    text = "".join(p.extract_text() for p in PdfReader(pdf.path()).pages)
    assert "Ministry of Interior" in text and "Trainings held" in text

    xlsx = dashboard.download("Programme report (spreadsheet)")
    assert xlsx.suggested_filename == "programme-report-2022-01-01-2022-12-31.xlsx"
    xlsx.save_as(tmp_path / xlsx.suggested_filename)
    assert zipfile.is_zipfile(tmp_path / xlsx.suggested_filename)
    summary = dict(list(load_workbook(tmp_path / xlsx.suggested_filename)["Summary"].iter_rows(values_only=True))[1:])
    assert summary["Persons trained (unique)"] == 20 and summary["Person-days of training"] == 58

    report = dashboard.download_report_of(REFERENCE_TITLE)
    assert report.suggested_filename == "training-1-report.pdf"
    reader = PdfReader(report.path())
    assert len(reader.pages) >= 3
    assert "Zainab Hussein Al-Jubouri" in "".join(p.extract_text() for p in reader.pages)
