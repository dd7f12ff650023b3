"""The day itself, on a 360 × 740 phone in Arabic: the officer prints the badges of the upcoming training, scans
three of them (through the scanner's photo path, which decodes with the vendored library), two participants
check themselves in from the projector's code, three more are marked while the network is off, and all eight
are present in the grid, the training's report and the payment sheet."""
import io
import re
from datetime import timedelta

import segno
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests.test_certificate_pdf import _decoded_links, _every_image
from training_mgr.auth.models import User
from training_mgr.extensions import db
from training_mgr.registrations.models import Registration
from training_mgr.seeds.demo import FOLLOW_UP_TITLE
from training_mgr.trainings.models import SessionDay, TrainingSession
from training_mgr.trainings.services import local_today

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def _the_day_has_come(live_server):
    """The upcoming training runs today and tomorrow, with eight demo officials confirmed: [(registration id,
    Latin name, Arabic name, e-mail)]."""
    with live_server.app.app_context():
        training = db.session.scalar(select(TrainingSession).where(TrainingSession.title == FOLLOW_UP_TITLE))
        today = local_today(training)
        training.start_date, training.end_date = today, today + timedelta(days=1)
        for day, date in zip(training.days, (today, today + timedelta(days=1))):
            day.date = date
        users = db.session.scalars(select(User).where(User.role == "participant").order_by(User.id).limit(8)).all()
        people = []
        for user in users:
            registration = Registration(training_id=training.id, participant_id=user.participant.id, status="confirmed",
                                        source="officer")
            db.session.add(registration)
            db.session.flush()
            people.append((registration.id, user.participant.name, user.participant.name_ar, user.email))
        db.session.commit()
        day_id = db.session.scalar(select(SessionDay.id).where(SessionDay.training_id == training.id,
                                                               SessionDay.date == today))
        training_id = training.id
        db.session.remove()
    return training_id, day_id, people


def _log_in(page, email, password):
    page.goto("/login?lang=ar")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def test_badges_scans_self_check_in_and_offline_marks_all_end_up_present(browser, live_server, tmp_path):
    training_id, day_id, people = _the_day_has_come(live_server)
    context = browser.new_context(base_url=live_server.url, accept_downloads=True, **PHONE)
    officer = context.new_page()
    officer.set_default_timeout(20000)
    _log_in(officer, "officer@example.org", live_server.password)

    # the badges of the training, from the attendance page
    officer.goto(f"/officer/trainings/{training_id}/attendance?lang=ar")
    assert officer.locator("html").get_attribute("dir") == "rtl"
    with officer.expect_download() as download:
        officer.locator(f"a[href='/officer/trainings/{training_id}/badges.pdf']").click()
    badges = download.value.path().read_bytes()
    links = {link.rsplit("/b/", 1)[1]: link for link in _decoded_links(_every_image(badges))}
    assert len(links) == 8
    badge_of = {}
    with live_server.app.app_context():
        from training_mgr.checkin.tokens import registration_id_of
        for token, link in links.items():
            badge_of[registration_id_of(token)] = link

    # three scans through the scanner's photo path
    officer.goto(f"/officer/trainings/{training_id}/check-in?lang=ar")
    for registration_id, name, name_ar, _email in people[:3]:
        result = officer.locator("#scan-result")
        for attempt, (scale, border) in enumerate(((8, 4), (5, 6), (6, 8))):  # a photo not read is taken again
            picture = tmp_path / f"badge-{registration_id}-{attempt}.png"
            segno.make(badge_of[registration_id], error="m").save(picture, scale=scale, border=border)
            officer.evaluate("document.getElementById('scan-result').dataset.status = ''")
            started = officer.evaluate("Date.now()")
            officer.locator("#scan-file").set_input_files(str(picture))
            officer.locator("#scan-result[data-status='present'], #scan-result[data-status='refused']").wait_for()
            if result.get_attribute("data-status") == "present":
                break
        assert officer.evaluate("Date.now()") - started < 5000
        assert result.get_attribute("data-status") == "present" and name_ar in result.locator("[data-name]").inner_text()
    # the same badge again a little later (the camera's repeated reads of one badge are one scan): harmless
    officer.wait_for_timeout(3100)
    officer.locator("#scan-file").set_input_files(str(sorted(tmp_path.glob(f"badge-{people[0][0]}-*.png"))[-1]))
    officer.locator("#scan-result.checkin-again").wait_for()

    # two participants check themselves in from the projector's code
    officer.goto(f"/officer/trainings/{training_id}/check-in/projector?lang=ar")
    projector_url = officer.locator("#projector-link").text_content().strip()
    assert projector_url.startswith(f"{live_server.url}/sessions/{training_id}/check-in/")
    with_account = browser.new_context(base_url=live_server.url, **PHONE)
    phone = with_account.new_page()
    _log_in(phone, people[3][3], live_server.password)
    phone.goto(projector_url)
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    assert people[3][2] in phone.locator(".checkin-ok").inner_text()
    with_account.close()
    with_badge = browser.new_context(base_url=live_server.url, **PHONE)
    phone = with_badge.new_page()
    phone.goto(badge_of[people[4][0]] + "?lang=ar")
    phone.goto(projector_url)
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    assert phone.locator(".checkin-ok").count() == 1
    with_badge.close()

    # three more marked on the day's page while the network is off, sent when it returns
    officer.goto(f"/officer/trainings/{training_id}/attendance/days/{day_id}?lang=ar")
    buttons = officer.locator(f"li[data-registration='{people[5][0]}'] label.attendance-choice")
    boxes = [buttons.nth(i).bounding_box() for i in range(4)]
    assert all(box["height"] >= 44 and box["width"] >= 44 for box in boxes)  # four targets a thumb can hit …
    assert len({round(box["y"]) for box in boxes}) == 1  # … side by side in one row at 360 px
    assert officer.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    context.set_offline(True)
    for registration_id, *_ in people[5:]:
        officer.locator(f"li[data-registration='{registration_id}'] label.mark-present").click()
    officer.locator("#marks-pending").wait_for(state="visible")
    assert officer.locator("#marks-pending [data-pending]").inner_text() == "3"
    context.set_offline(False)
    officer.locator("#marks-pending").wait_for(state="hidden")

    # all eight present in the grid, the report and the payment sheet
    officer.goto(f"/officer/trainings/{training_id}/attendance?lang=ar")
    assert officer.locator("tbody tr td:nth-child(2).mark-present").count() == 8
    report = officer.request.get(f"/officer/trainings/{training_id}/report.pdf?lang=en")
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(report.body())).pages)
    assert not [name for _, name, _, _ in people if "".join(name.split()) not in text]  # names may wrap in the table
    assert re.search(r"(?<!\d)8Attendedatleastoneday", text)
    officer.goto(f"/officer/trainings/{training_id}/payment-sheet?lang=ar")
    officer.locator("#daily_rate").fill("25000")
    officer.locator("#currency").fill("IQD")
    with officer.expect_navigation():
        officer.locator("main form button[type=submit]").click()
    sheet = officer.request.get(f"/officer/trainings/{training_id}/payment-sheet.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.body())).worksheets[0].iter_rows(min_row=4, values_only=True))
    assert sorted(row[1] for row in rows[:-1]) == sorted(name for _, name, _, _ in people)
    assert rows[-1][4:6] == (8, 200000)
    context.close()


def test_the_grid_of_the_reference_training_fits_1280_px(page, live_server):
    page.goto("/login?lang=en")
    page.locator("#email").fill("officer@example.org")
    page.locator("#password").fill(live_server.password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.goto("/officer/trainings/1/attendance?lang=en")
    grid = page.locator("div.table-responsive[role=region]")
    assert grid.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert page.locator("table.attendance-grid thead th").all_inner_texts()[-2:] == ["Rate", "Certificate rule"]


def test_without_a_connection_a_scan_is_acknowledged_and_everyone_else_can_still_be_marked_present(browser, live_server, tmp_path):
    from tests.factories import ParticipantFactory, RegistrationFactory, TrainingSessionFactory
    from training_mgr.checkin.tokens import badge_url
    from training_mgr.core.db import utcnow

    with live_server.app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
        training = TrainingSessionFactory(officers=[officer], timezone="UTC", start_date=utcnow().date())
        people = [RegistrationFactory(training=training, participant=ParticipantFactory(name=name)) for name in
                  ("Dalia Karim", "Basim Nouri", "Rafid Salih")]
        training_id, day_id = training.id, training.days[0].id
        badge = badge_url(people[0].id)
        db.session.remove()
    context = browser.new_context(base_url=live_server.url, **PHONE)
    officer = context.new_page()
    officer.set_default_timeout(20000)
    _log_in(officer, "officer@example.org", live_server.password)

    # a badge read while the network is off: the officer sees and hears at once that it was read and kept
    officer.goto(f"/officer/trainings/{training_id}/check-in?lang=en")
    picture = tmp_path / "badge.png"
    segno.make(badge, error="m").save(picture, scale=8, border=4)
    context.set_offline(True)
    officer.locator("#scan-file").set_input_files(str(picture))
    officer.locator("#scan-result[data-status='kept']").wait_for()
    assert "kept on this phone" in officer.locator("#scan-result").inner_text()
    assert officer.locator("#checkin-pending [data-pending]").inner_text() == "1"
    assert officer.locator("[data-total='present']").inner_text() == "0"
    context.set_offline(False)
    officer.locator("#scan-result[data-status='present']").wait_for()
    assert officer.locator("[data-total='present']").inner_text() == "1"  # the totals at the top follow the scans
    assert officer.locator("[data-total='none']").inner_text() == "2"

    # "Mark everyone else present" while the network is off: the page stays, the others are kept as present
    officer.goto(f"/officer/trainings/{training_id}/attendance/days/{day_id}?lang=en")
    context.set_offline(True)
    officer.locator("#all-present button").click()
    officer.locator("#marks-offline").wait_for(state="visible")
    assert officer.url.endswith(f"/attendance/days/{day_id}?lang=en")
    assert officer.locator("#marks-pending [data-pending]").inner_text() == "2"
    context.set_offline(False)
    officer.locator("#marks-pending").wait_for(state="hidden")
    officer.goto(f"/officer/trainings/{training_id}/attendance?lang=en")
    assert officer.locator("tbody tr td:nth-child(2).mark-present").count() == 3
    context.close()


def test_on_a_phone_every_button_of_the_attendance_and_scanner_pages_is_a_44_px_target(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    officer = context.new_page()
    _log_in(officer, "officer@example.org", live_server.password)
    with live_server.app.app_context():
        training_id = db.session.scalar(select(TrainingSession.id).where(TrainingSession.title == FOLLOW_UP_TITLE))
    small = """() => [...document.querySelectorAll('main a.btn, main button, main input.form-control')]
        .filter(e => !e.closest('.nav') && e.getBoundingClientRect().height > 0 && e.getBoundingClientRect().height < 44)
        .map(e => e.textContent.trim() || e.name)"""
    for path in (f"/officer/trainings/{training_id}/attendance?lang=ar&q=a", f"/officer/trainings/{training_id}/check-in?lang=ar"):
        officer.goto(path)
        assert officer.evaluate(small) == [], path
        assert officer.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path
    context.close()
