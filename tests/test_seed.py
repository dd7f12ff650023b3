"""The demo data and the synthetic data."""
from collections import Counter

from sqlalchemy import func, select

from training_mgr.seeds.demo import FOLLOW_UP_TITLE, REFERENCE_TITLE, seed_demo
from training_mgr.seeds.synthetic import seed_synthetic
from training_mgr.extensions import db
from training_mgr.models import (
    AttendanceMark, Participant, Recommendation, RecommendationUpdate, Registration, TrainingSession, User,
)


def _table_counts():
    return {t.name: db.session.execute(select(func.count()).select_from(t)).scalar() for t in db.metadata.sorted_tables}


def test_seed_demo_twice_gives_the_same_data(app, runner):
    result = runner.invoke(args=["seed-demo", "--password", "pw-for-tests"])
    assert result.exit_code == 0, result.output
    first = _table_counts()
    again = runner.invoke(args=["seed-demo", "--password", "pw-for-tests"])
    assert again.exit_code == 0, again.output
    assert _table_counts() == first
    for email in ("admin@example.org", "officer@example.org", "manager@example.org", "ahmed.alrubaie@example.org"):
        assert email in result.output


def test_reference_training_is_the_baghdad_training_of_february_2022(app):
    seed_demo("pw-for-tests")
    training = db.session.scalar(select(TrainingSession).where(TrainingSession.title == REFERENCE_TITLE))
    assert training.status == "completed"
    assert (training.start_date.isoformat(), training.end_date.isoformat()) == ("2022-02-15", "2022-02-17")
    assert training.city == "Baghdad" and training.title_ar
    assert [d.date.day for d in training.days] == [15, 16, 17]
    assert training.host.name == "Al-Nahrain Centre for Strategic Studies"
    assert {o.acronym for o in training.co_organisers} == {"UNOCT", "IOM", "UNAMI HRO"}

    registrations = db.session.scalars(select(Registration).where(Registration.training_id == training.id)).all()
    assert len(registrations) == 20
    entities = {r.participant.organisation.name for r in registrations}
    assert entities == {
        "Ministry of Interior", "Border Points Commission", "General Commission of Customs",
        "Iraqi Civil Aviation Authority", "Ministry of Transport", "Ministry of Justice",
    }
    assert all(r.participant.name_ar for r in registrations)
    assert Counter(r.participant.sex for r in registrations)["female"] > 0

    marks = db.session.scalars(
        select(AttendanceMark).join(Registration).where(Registration.training_id == training.id)
    ).all()
    assert len(marks) == 60  # three days of marks for all 20
    mix = Counter(m.status for m in marks)
    assert mix["present"] > 50 and mix["late"] >= 1 and mix["excused"] >= 1 and mix["absent"] >= 1

    recommendations = db.session.scalars(select(Recommendation).where(Recommendation.training_id == training.id)).all()
    assert len(recommendations) >= 5
    assert all(r.responsible_organisation is not None for r in recommendations)
    assert db.session.scalar(select(func.count(RecommendationUpdate.id))) > 0
    assert not any(r.certificates for r in registrations)  # certificates not yet issued


def test_upcoming_training_is_open_for_registration_with_25_seats(app):
    seed_demo("pw-for-tests")
    training = db.session.scalar(select(TrainingSession).where(TrainingSession.title == FOLLOW_UP_TITLE))
    assert training.status == "open" and training.capacity == 25 and training.confirmation_mode == "automatic"
    from training_mgr.registrations.services import registration_window_error

    assert registration_window_error(training) is None


def test_every_official_has_a_participant_account(app):
    seed_demo("pw-for-tests")
    participants = db.session.scalars(select(User).where(User.role == "participant")).all()
    assert len(participants) == 20
    assert all(u.participant is not None and u.check_password("pw-for-tests") for u in participants[:2])


def _fingerprint():
    rows = []
    for model, columns in [
        (Participant, ("name", "name_ar", "sex", "organisation_id", "email")),
        (TrainingSession, ("title", "start_date", "end_date", "city", "status", "capacity")),
        (Registration, ("training_id", "participant_id", "status")),
        (AttendanceMark, ("registration_id", "session_day_id", "status")),
        (Recommendation, ("training_id", "status", "due_date")),
    ]:
        rows.append([tuple(getattr(o, c) for c in columns) for o in db.session.scalars(select(model).order_by(model.id))])
    return rows


def _empty():
    from tests.conftest import _empty_all_tables

    _empty_all_tables()


def test_seed_synthetic_is_deterministic(app):
    counts = seed_synthetic(4, 15, seed=7)
    assert counts["sessions"] == 4 and counts["registrations"] == 60
    first = _fingerprint()
    _empty()
    seed_synthetic(4, 15, seed=7)
    assert _fingerprint() == first
    _empty()
    seed_synthetic(4, 15, seed=8)
    assert _fingerprint() != first


def test_seed_synthetic_is_dated_around_today(app, runner):
    """Made on any day, the data has finished trainings and trainings open for registration in the catalogue;
    made for another day, it is the same data moved by the days between them."""
    from datetime import date, timedelta

    from training_mgr.catalogue.services import CatalogueFilters, catalogue_page

    result = runner.invoke(args=["seed-synthetic", "--sessions", "30", "--participants", "5", "--seed", "4"])
    assert result.exit_code == 0, result.output
    statuses = Counter(db.session.scalars(select(TrainingSession.status)))
    assert statuses["completed"] > statuses["open"] > 0
    assert catalogue_page(CatalogueFilters()).total > 0
    assert all(s.end_date < date.today() for s in db.session.scalars(
        select(TrainingSession).where(TrainingSession.status == "completed")))

    _empty()
    seed_synthetic(6, 15, seed=7, today=date(2031, 3, 1))
    later = _fingerprint()
    _empty()
    seed_synthetic(6, 15, seed=7, today=date(2031, 1, 1))
    earlier = _fingerprint()
    assert later[2] == earlier[2] and later[3] == earlier[3]  # the same registrations and marks
    assert [(t[1] - timedelta(days=59), t[2] - timedelta(days=59)) for t in later[1]] == [(t[1], t[2]) for t in earlier[1]]


def test_seed_synthetic_has_realistic_distributions(app, runner):
    result = runner.invoke(args=["seed-synthetic", "--sessions", "20", "--participants", "30", "--seed", "3"])
    assert result.exit_code == 0, result.output
    sexes = Counter(db.session.scalars(select(Participant.sex)))
    assert 0.15 < sexes["female"] / sum(sexes.values()) < 0.4
    statuses = Counter(db.session.scalars(select(Registration.status)))
    assert statuses["confirmed"] > sum(statuses.values()) / 2
    # people attend several trainings: fewer persons than registrations
    persons = db.session.scalar(select(func.count(func.distinct(Registration.participant_id))))
    assert persons < sum(statuses.values())
    again = runner.invoke(args=["seed-synthetic", "--sessions", "20", "--participants", "30", "--seed", "3"])
    assert again.exit_code != 0 and "already loaded" in again.output


def test_the_reference_trainings_nominations_warn_where_the_gender_target_cannot_be_met(app, login):
    """At least 30% women: met overall (6 of 20), not by the Border Points Commission (1 of 4) nor the Ministry of
    Justice (0 of 3), whose focal points nominated as many as they sent."""
    seed_demo("pw-for-tests")
    training = db.session.scalar(select(TrainingSession).where(TrainingSession.title == REFERENCE_TITLE))
    assert training.women_target_percent == 30
    officer = login(db.session.scalar(select(User).where(User.email == "officer@example.org")))
    page = officer.get(f"/officer/trainings/{training.id}/nominations/nominees").text
    assert page.count("can no longer reach it") == 2
    assert "Border Points Commission can no longer reach it" in page and "Ministry of Justice can no longer reach it" in page
    assert "Gender balance of all organisations" not in page
    assert page.count("Within the quota") == 20 and "Details confirmed by the nominee" in page
    follow_up = db.session.scalar(select(TrainingSession).where(TrainingSession.title == FOLLOW_UP_TITLE))
    assert follow_up.women_target_percent == 30
