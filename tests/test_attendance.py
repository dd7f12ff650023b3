"""Taking attendance: one mark per cell, 'everyone present' then exceptions, who recorded what, the sign-in sheet."""
import io
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.factories import AttendanceMarkFactory, OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory
from training_mgr.attendance import services
from training_mgr.attendance.models import AttendanceMark
from training_mgr.attendance.services import DayMark
from training_mgr.audit.models import AuditEntry
from training_mgr.extensions import db


@pytest.fixture
def group(people):
    """Three confirmed participants and one waitlisted in the officer's training."""
    training = people.training
    confirmed = [RegistrationFactory(training=training, participant=ParticipantFactory(name=name))
                 for name in ("Ali", "Hiba", "Zaid")]
    waiting = RegistrationFactory(training=training, status="waitlisted")
    return confirmed, waiting


def _marks(day):
    return {m.registration_id: m for m in db.session.scalars(select(AttendanceMark).where(AttendanceMark.session_day_id == day.id))}


def test_the_database_refuses_a_second_mark_for_the_same_cell(people, group):
    (ali, *_), _waiting = group
    day = people.training.days[0]
    AttendanceMarkFactory(registration=ali, session_day=day)
    db.session.add(AttendanceMark(registration_id=ali.id, session_day_id=day.id, status="absent"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_everyone_present_fills_only_the_blank_cells(people, group):
    (ali, hiba, zaid), waiting = group
    day = people.training.days[0]
    services.record_day(people.training, day, {hiba.id: DayMark("excused", "Ministry meeting")}, by_user=people.admin)

    filled = services.mark_all_present(people.training, day, by_user=people.officer)

    marks = _marks(day)
    assert filled == 2
    assert {r: m.status for r, m in marks.items()} == {ali.id: "present", hiba.id: "excused", zaid.id: "present"}
    assert waiting.id not in marks  # only confirmed participants are marked
    assert marks[hiba.id].recorded_by_id == people.admin.id and marks[hiba.id].note == "Ministry meeting"
    assert marks[ali.id].recorded_by_id == people.officer.id and marks[ali.id].recorded_at is not None
    assert services.mark_all_present(people.training, day, by_user=people.officer) == 0


def test_exceptions_change_marks_and_record_who_and_when(people, group):
    (ali, hiba, zaid), _ = group
    day = people.training.days[1]
    services.mark_all_present(people.training, day, by_user=people.admin)
    before = _marks(day)[zaid.id].recorded_at

    changed = services.record_day(
        people.training, day,
        {ali.id: DayMark("present", ""), hiba.id: DayMark("late", "Traffic at the checkpoint"),
         zaid.id: DayMark("", "")},
        by_user=people.officer,
    )

    marks = _marks(day)
    assert changed == 2  # Hiba changed, Zaid's mark removed, Ali unchanged
    assert marks[hiba.id].status == "late" and marks[hiba.id].recorded_by_id == people.officer.id
    assert marks[ali.id].recorded_by_id == people.admin.id  # untouched
    assert zaid.id not in marks and before is not None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["attendance.mark_all_present", "attendance.update", "attendance.delete"]


def test_marks_are_refused_for_unknown_values_and_other_trainings(people, group):
    (ali, *_), waiting = group
    day = people.training.days[0]
    with pytest.raises(services.AttendanceError, match="Unknown attendance mark"):
        services.record_day(people.training, day, {ali.id: DayMark("asleep", "")}, by_user=people.officer)
    with pytest.raises(services.AttendanceError, match="confirmed participants"):
        services.record_day(people.training, day, {waiting.id: DayMark("present", "")}, by_user=people.officer)
    elsewhere = RegistrationFactory()
    with pytest.raises(services.AttendanceError, match="confirmed participants"):
        services.record_day(people.training, day, {elsewhere.id: DayMark("present", "")}, by_user=people.officer)
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0


# --- pages ------------------------------------------------------------------------------------------

def _urls(people):
    base = f"/officer/trainings/{people.training.id}/attendance"
    day = people.training.days[0]
    reads = [base, f"{base}/days/{day.id}/sign-in-sheet.pdf"]
    writes_get = [f"{base}/days/{day.id}"]
    posts = [f"{base}/days/{day.id}", f"{base}/days/{day.id}/all-present"]
    return reads, writes_get, posts


def test_every_attendance_page_by_role(people, client, login):
    reads, writes_get, posts = _urls(people)
    for url in reads + writes_get:
        assert client.get(url).status_code == 302, url
        for user in (people.participant, people.other_officer):
            assert login(user).get(url).status_code == 403, (url, user.role)
        for user in (people.officer, people.admin):
            assert login(user).get(url).status_code == 200, (url, user.role)
        assert login(people.manager).get(url).status_code == (200 if url in reads else 403), url
    for url in posts:
        assert client.post(url).status_code == 302
        for user in (people.participant, people.other_officer, people.manager):
            assert login(user).post(url).status_code == 403, (url, user.role)
    other_day = TrainingSessionFactory().days[0]
    assert login(people.officer).get(f"/officer/trainings/{people.training.id}/attendance/days/{other_day.id}").status_code == 404


def test_taking_a_day_in_the_browser_without_javascript(people, group, login):
    (ali, hiba, zaid), _ = group
    day = people.training.days[0]
    officer = login(people.officer)
    base = f"/officer/trainings/{people.training.id}/attendance/days/{day.id}"

    response = officer.post(f"{base}/all-present", follow_redirects=True)
    assert "3 participants without a mark were marked present" in response.text
    response = officer.post(base, data={f"mark-{ali.id}": "present", f"mark-{hiba.id}": "absent",
                                        f"note-{hiba.id}": "Ill", f"mark-{zaid.id}": "present"}, follow_redirects=True)
    assert "saved (1 changes)" in response.text
    grid = officer.get(f"/officer/trainings/{people.training.id}/attendance").text
    assert "Absent" in grid and "Ill" in grid and people.officer.display_name in grid


def test_the_grid_tells_who_recorded_each_mark_and_when_in_the_training_time_zone(people, group, login):
    (ali, hiba, zaid), _ = group
    people.training.timezone = "Asia/Baghdad"
    day = people.training.days[0]
    saved_at = datetime(2022, 2, 15, 5, 30, tzinfo=timezone.utc)  # 8:30 in Baghdad
    AttendanceMarkFactory(registration=ali, session_day=day, recorded_by=people.officer, recorded_at=saved_at)
    AttendanceMarkFactory(registration=hiba, session_day=day, status="late", recorded_by=people.admin, recorded_at=saved_at)
    db.session.commit()

    html = login(people.manager).get(f"/officer/trainings/{people.training.id}/attendance").text
    cells = {name: html.split(f"<bdi>{name}</bdi>", 1)[1].split("</tr>", 1)[0] for name in ("Ali", "Hiba", "Zaid")}
    assert "Present" in cells["Ali"] and people.officer.display_name in cells["Ali"] and "8:30" in cells["Ali"]
    assert "Late" in cells["Hiba"] and people.admin.display_name in cells["Hiba"] and "8:30" in cells["Hiba"]
    assert "not marked" in cells["Zaid"]
    assert "5:30" not in html


def test_a_refused_day_keeps_what_was_chosen(people, group, login):
    (ali, hiba, _), waiting = group
    day = people.training.days[0]
    response = login(people.officer).post(
        f"/officer/trainings/{people.training.id}/attendance/days/{day.id}",
        data={f"mark-{ali.id}": "late", f"note-{ali.id}": "Came at ten", f"mark-{waiting.id}": "present"},
    )
    assert response.status_code == 422
    assert "confirmed participants" in response.text
    assert f'id="mark-{ali.id}-late" value="late" autocomplete="off" checked' in response.text
    assert 'value="Came at ten"' in response.text
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0


def test_a_day_sent_with_a_registration_number_beyond_any_database_integer_is_a_bad_request(people, group, login):
    day = people.training.days[0]
    officer = login(people.officer)
    for number in ("1" + "0" * 30, str(2**31), "-5"):
        response = officer.post(f"/officer/trainings/{people.training.id}/attendance/days/{day.id}",
                                data={f"mark-{number}": "present"})
        assert response.status_code == 400, number
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0


def _fill(training, count):
    organisations = [OrganisationFactory() for _ in range(4)]
    for i in range(count):
        registration = RegistrationFactory(training=training, participant=ParticipantFactory(organisation=organisations[i % 4]))
        for day in training.days[: 1 + i % 3]:
            db.session.add(AttendanceMark(registration=registration, session_day=day, status="present"))
    db.session.commit()


@pytest.mark.config(PAGE_CACHE_ENTRIES=0)  # the statements of drawing the page, not of serving it again
def test_the_grid_runs_the_same_number_of_queries_for_20_or_200_participants(people, login, count_queries):
    small, large = people.training, TrainingSessionFactory(officers=[people.officer])
    _fill(small, 20)
    _fill(large, 200)
    officer = login(people.officer)

    def queries(training):
        url = f"/officer/trainings/{training.id}/attendance"
        officer.get(url)
        with count_queries() as statements:
            response = officer.get(url)
        assert response.status_code == 200
        return len(statements)

    assert queries(small) == queries(large)


def test_the_sign_in_sheet_lists_everyone_confirmed_in_both_scripts(people, login):
    people.training.title_ar = "التدريب الوطني حول حقوق الإنسان على الحدود"
    people.training.venue = "Al-Nahrain Centre"
    ministry = OrganisationFactory(name="Border Points Commission", name_ar="هيئة المنافذ الحدودية")
    RegistrationFactory(training=people.training, participant=ParticipantFactory(
        name="Ahmed Kadhim Al-Rubaie", name_ar="أحمد كاظم الربيعي", organisation=ministry, position="Colonel"))
    RegistrationFactory(training=people.training, status="withdrawn", participant=ParticipantFactory(name="Gone Away"))
    day = people.training.days[1]

    response = login(people.manager).get(f"/officer/trainings/{people.training.id}/attendance/days/{day.id}/sign-in-sheet.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 842 and round(float(page.mediabox.height)) == 595  # A4 landscape
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert people.training.title in text and "التدريب الوطني حول حقوق الإنسان على الحدود" in text
    assert "Ahmed Kadhim Al-Rubaie" in text and "أحمد كاظم الربيعي" in text  # logical order, shaped letters mapped back
    assert "هيئة المنافذ الحدودية" in text and "Colonel" in text and "Signature" in text
    assert "Al-Nahrain Centre" in text
    assert "Gone Away" not in text
