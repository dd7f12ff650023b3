"""Certificates of the reference training: the officer issues them, a participant downloads theirs,
an anonymous visitor follows the link printed under the QR code."""
import re
import subprocess
from pathlib import Path

from tests.e2e.pages import BasePage, LoginPage
from training_mgr.seeds.demo import REFERENCE_TITLE


class CertificatesPage(BasePage):
    """A training's certificates (officer)."""

    path = "/officer/trainings/{training_id}/certificates"

    def issue_to_everyone(self):
        """Without Redis (as here) the bulk job runs inside the request: on a busy machine that takes a while."""
        with self.page.expect_navigation(timeout=120_000):
            self.page.get_by_role("button", name=re.compile(r"Issue to everyone eligible")).click(no_wait_after=True)
        return self

    def row(self, name: str):
        return self.page.locator("tbody tr", has_text=name)


def test_officer_issues_participant_downloads_visitor_verifies(page, browser, live_server, tmp_path):
    LoginPage(page).open().log_in("officer@example.org", live_server.password)
    page.wait_for_url("**/officer")
    page.get_by_role("link", name=REFERENCE_TITLE).first.click()
    page.get_by_role("link", name="Certificates", exact=True).click()
    job = CertificatesPage(page).issue_to_everyone()  # a bulk job: its page shows the progress, then the outcome
    page.get_by_text(re.compile(r"\d+ certificates issued\.")).wait_for(timeout=60_000)
    assert re.search(r"(\d+) of \1 certificates", page.locator("#job").inner_text())
    certificates = job.follow(page.get_by_role("link", name="Back", exact=True))
    assert "TM-2022-" in CertificatesPage(page).row("Zainab Hussein Al-Jubouri").inner_text()
    certificates.follow(page.get_by_role("button", name="Log out"))

    LoginPage(page).open().log_in("zainab.aljubouri@example.org", live_server.password)
    page.goto("/account")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download my certificate")).click()
    saved = Path(tmp_path / "certificate.pdf")
    download_info.value.save_as(saved)
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True, check=True).stdout
    assert "Zainab Hussein Al-Jubouri" in text and "زينب" in text

    verify_url = re.search(r"(https?://\S+/verify/[0-9A-Z-]+)", text).group(1)
    assert verify_url.startswith(live_server.url)
    visitor = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        phone = visitor.new_page()
        phone.goto(verify_url)
        assert "Valid certificate." in phone.locator(".alert").first.inner_text()
        assert "Zainab Hussein Al-Jubouri" in phone.content()
        phone.get_by_label("Certificate PDF").set_input_files(str(saved))
        BasePage(phone).follow(phone.get_by_role("button", name="Check the file"))
        assert "unaltered original" in phone.locator(".alert-success").last.inner_text()
    finally:
        visitor.close()
