"""Reports on large data: the figures counted in SQL equal a plain count in Python, the participant list
streamed into the files equals the list built from objects, a long list is split over several sheets, and
a job writing a file hears how far it is."""
import csv
import io
from collections import defaultdict
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from training_mgr.attendance.services import ATTENDED, attendance_rate, certificate_rule_result
from training_mgr.core import xlsx
from training_mgr.extensions import db
from training_mgr.registrations.models import Registration
from training_mgr.reports import documents
from training_mgr.reports.figures import ProgrammeFilters, participant_list, programme_figures, session_figures
from training_mgr.seeds.demo import seed_demo
from training_mgr.seeds.synthetic import seed_synthetic
from training_mgr.trainings.models import TrainingSession


@pytest.fixture(params=["demo", "synthetic"])
def data(request, app):
    if request.param == "demo":
        seed_demo("pw-for-tests")
    else:
        seed_synthetic(12, 40, seed=5, today=date(2025, 6, 1))
        # a certificate rule of every kind, so that each branch of the rule in SQL is met
        trainings = db.session.scalars(select(TrainingSession).order_by(TrainingSession.id)).all()
        for i, training in enumerate(trainings):
            training.cert_min_attendance = (100, 80, 67, 50, 0)[i % 5]
            training.cert_late_counts = i % 2 == 0
            training.cert_excused_excluded = i % 3 != 0
        db.session.commit()
    return request.param


def naive_figures():
    """The figures by walking every held training, registration and mark in Python."""
    held = db.session.scalars(select(TrainingSession).where(TrainingSession.status == "completed")).all()
    per_training, persons, by_course = {}, {}, defaultdict(set)
    for training in held:
        counts = defaultdict(int)
        for registration in db.session.scalars(select(Registration).where(Registration.training_id == training.id)):
            counts["nominated"] += 1
            counts["registered"] += registration.status in ("pending", "confirmed", "waitlisted")
            if registration.status != "confirmed":
                continue
            counts["confirmed"] += 1
            statuses = [mark.status for mark in registration.marks]
            days = sum(1 for s in statuses if s in ATTENDED)
            counts["person_days"] += days
            counts["completed"] += bool(statuses) and certificate_rule_result(training, statuses).met
            counts["certified"] += any(c.status == "valid" for c in registration.certificates)
            if days:
                counts["attended"] += 1
                person = registration.participant
                persons[person.id] = (person.organisation_id, person.sex)
                by_course[training.course_id].add(person.id)
        per_training[training.id] = dict(counts)
    by_organisation_and_sex = defaultdict(int)
    for key in persons.values():
        by_organisation_and_sex[key] += 1
    return per_training, len(persons), dict(by_organisation_and_sex), {c: len(p) for c, p in by_course.items()}


def test_programme_figures_in_sql_equal_a_count_in_python(data):
    per_training, persons, by_organisation_and_sex, by_course = naive_figures()
    figures = programme_figures(ProgrammeFilters())
    fields = ("nominated", "registered", "confirmed", "attended", "completed", "certified", "person_days")
    assert {t.id: {f: getattr(k, f) for f in fields if getattr(k, f)} for t, k in figures.trainings} == {
        sid: {f: n for f, n in counts.items() if n} for sid, counts in per_training.items()
    }
    assert figures.persons_trained == persons
    assert {(row.organisation.id if row.organisation else None, sex): n
            for row in figures.organisations for sex, n in row.by_sex.items() if n} == by_organisation_and_sex
    assert {row.course.id: row.persons for row in figures.courses} == by_course
    if data == "synthetic":  # the rule met and missed in each kind of training
        assert 0 < figures.totals.completed < figures.totals.attended
        for training, key in figures.trainings:
            assert session_figures(training).key == key


def rows_from_objects(filters):
    """The participant list as it was built before it was streamed: from objects, one rule call a person."""
    rows = []
    for row in participant_list(filters):
        registration, person = row.registration, row.registration.participant
        certificate = next((c for c in reversed(registration.certificates) if c.status == "valid"), None)
        marks = list(row.attendance.marks.values())
        rows.append([
            registration.training_id, registration.training.title, registration.training.start_date.isoformat(),
            person.name, person.name_ar, person.sex.capitalize(),
            person.organisation.name if person.organisation else person.organisation_other, person.position,
            person.email, "Confirmed", sum(1 for s in marks if s in ATTENDED),
            attendance_rate(marks, len(registration.training.days)),
            "Yes" if certificate_rule_result(registration.training, marks).met else "No",
            certificate.serial if certificate else "",
        ])
    return rows


def test_streamed_participant_list_equals_the_list_built_from_objects(data):
    filters = ProgrammeFilters()
    expected = rows_from_objects(filters)
    assert len(expected) > 15
    text = documents.participants_csv(filters=filters).decode("utf-8-sig")
    got = list(csv.reader(io.StringIO(text)))[1:]
    assert got == [[str(v) if v is not None else "" for v in row] for row in expected]

    sheet = load_workbook(io.BytesIO(documents.programme_report_xlsx(filters)))["Participants"]
    cells = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [[c.date().isoformat() if hasattr(c, "date") else c for c in row] for row in cells] == [
        [None if v == "" else v for v in row] for row in expected
    ]


def test_a_list_longer_than_a_sheet_goes_on_to_further_sheets(app, monkeypatch):
    seed_synthetic(3, 10, seed=2, today=date(2026, 1, 1))
    filters = ProgrammeFilters()
    total = programme_figures(filters).totals.confirmed
    assert total > 7
    monkeypatch.setattr(xlsx, "MAX_ROWS", 4)  # a header and three people a sheet
    workbook = load_workbook(io.BytesIO(documents.programme_report_xlsx(filters)))
    parts = [sheet for sheet in workbook.worksheets if sheet.title.startswith("Participants")]
    assert [sheet.title for sheet in parts] == ["Participants"] + [f"Participants ({n})" for n in range(2, len(parts) + 1)]
    assert len(parts) == -(-total // 3)
    assert all(sheet.max_row <= 4 and sheet["A1"].value == "Training ID" and sheet["A1"].font.bold for sheet in parts)
    emails = [row[8] for sheet in parts for row in sheet.iter_rows(min_row=2, values_only=True)]
    monkeypatch.setattr(xlsx, "MAX_ROWS", 1_048_576)
    one_sheet = load_workbook(io.BytesIO(documents.programme_report_xlsx(filters)))["Participants"]
    assert emails == [row[8] for row in one_sheet.iter_rows(min_row=2, values_only=True)] and len(emails) == total


def test_writing_the_files_reports_progress(app, monkeypatch):
    seed_synthetic(3, 10, seed=2, today=date(2026, 1, 1))
    filters = ProgrammeFilters()
    total = programme_figures(filters).totals.confirmed
    for write in (documents.programme_report_xlsx, lambda f, progress: documents.participants_csv(f, progress=progress)):
        heard = []
        write(filters, progress=lambda done, of: heard.append((done, of)))
        assert heard[-1] == (total, total)
        assert [done for done, _ in heard] == sorted(done for done, _ in heard)


def test_kept_attendance_counts_follow_every_kind_of_write(app):
    """The mark counts the reports read are kept by the database: marks added, changed, moved and removed, and
    those that go with a removed day or registration."""
    from sqlalchemy import delete, func, insert, update

    from tests.factories import AttendanceMarkFactory, RegistrationFactory, TrainingSessionFactory
    from training_mgr.attendance.models import AttendanceMark
    from training_mgr.attendance.tallies import AttendanceTally

    def kept():
        return {r: (n, p, late, e) for r, n, p, late, e in db.session.execute(select(
            AttendanceTally.registration_id, AttendanceTally.recorded, AttendanceTally.present, AttendanceTally.late,
            AttendanceTally.excused)) if n}

    def live():
        status = AttendanceMark.status
        return {r: (n, p, late, e) for r, n, p, late, e in db.session.execute(
            select(AttendanceMark.registration_id, func.count(), func.count().filter(status == "present"),
                   func.count().filter(status == "late"), func.count().filter(status == "excused"))
            .group_by(AttendanceMark.registration_id))}

    training = TrainingSessionFactory(start_date=date(2022, 2, 15), end_date=date(2022, 2, 17))
    first, second, third = (RegistrationFactory(training=training, status="confirmed") for _ in range(3))
    day1, day2, day3 = training.days
    AttendanceMarkFactory(registration=first, session_day=day1, status="present")
    AttendanceMarkFactory(registration=first, session_day=day2, status="late")
    db.session.execute(insert(AttendanceMark), [
        {"registration_id": reg.id, "session_day_id": day.id, "status": "excused"}
        for reg in (second, third) for day in (day1, day2, day3)])
    db.session.commit()
    assert kept() == live() == {first.id: (2, 1, 1, 0), second.id: (3, 0, 0, 3), third.id: (3, 0, 0, 3)}

    db.session.execute(update(AttendanceMark).where(AttendanceMark.registration_id == second.id,
                                                    AttendanceMark.session_day_id == day1.id).values(status="present"))
    db.session.execute(update(AttendanceMark).where(AttendanceMark.registration_id == third.id,
                                                    AttendanceMark.session_day_id == day3.id).values(registration_id=first.id))
    db.session.execute(delete(AttendanceMark).where(AttendanceMark.registration_id == first.id,
                                                    AttendanceMark.session_day_id == day2.id))
    db.session.commit()
    assert kept() == live()

    db.session.delete(db.session.get(type(day1), day1.id))  # the day and its marks
    db.session.commit()
    assert kept() == live()
    db.session.execute(delete(type(first)).where(type(first).id == second.id))  # a registration and its marks
    db.session.commit()
    assert kept() == live() and second.id not in kept()
