"""The evaluation figures agree in the session report PDF, the programme report (PDF and XLSX), the dashboard and
the API, on the demo data and on synthetic data, and each report states its definitions."""
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import UserFactory
from training_mgr.auth.models import User
from training_mgr.core.i18n import fmt_percent
from training_mgr.evaluation.models import Instrument, Respondent
from training_mgr.extensions import db
from training_mgr.registrations.models import Registration
from training_mgr.reports import documents
from training_mgr.reports.figures import ProgrammeFilters
from training_mgr.seeds.demo import REFERENCE_TITLE, seed_demo
from training_mgr.seeds.synthetic import seed_synthetic
from training_mgr.trainings.models import TrainingSession

YEAR_2022 = ProgrammeFilters(date_from=date(2022, 1, 1), date_to=date(2022, 12, 31))


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def dashboard_values(html: str) -> dict:
    return {name: value for name, value in re.findall(r'data-figure="([a-z-]+)" data-value="([^"]*)"', html)}


def test_the_demo_reference_training_has_every_level(app):
    seed_demo()
    training = db.session.scalar(select(TrainingSession).where(TrainingSession.title == REFERENCE_TITLE))
    manager = db.session.scalar(select(User).where(User.email == "manager@example.org"))
    api = app.test_client(user=manager).get(f"/api/v1/sessions/{training.id}/evaluation").json
    assert api["pre_test"]["responses"] >= 15 and api["post_test"]["responses"] >= 15
    assert api["knowledge"]["paired"] >= 15 and api["knowledge"]["mean_gain"] > 0
    assert api["reaction"]["responses"] >= 5 and all(item["mean"] for item in api["reaction"]["items"])
    assert 0 < api["follow_up"]["responses"] < 20
    assert sum(api["recommendations"][s] for s in ("proposed", "agreed", "in_progress", "implemented", "not_pursued")) >= 5
    seed_demo()  # safe to run twice: nothing is added again
    assert app.test_client(user=manager).get(f"/api/v1/sessions/{training.id}/evaluation").json == api


def _withdraw_respondents(training, n) -> int:
    """Withdraw ``n`` confirmed people who answered the pre-test, the post-test and the reaction survey; return
    how many confirmed people answered the pre-test afterwards."""
    instrument = {i.kind: i.id for i in db.session.scalars(select(Instrument).where(Instrument.training_id == training.id))}
    answered = {kind: set(db.session.scalars(select(Respondent.participant_id).where(Respondent.instrument_id == i)))
                for kind, i in instrument.items()}
    registrations = db.session.scalars(select(Registration).where(
        Registration.training_id == training.id, Registration.status == "confirmed").order_by(Registration.id)).all()
    for registration in [r for r in registrations
                         if r.participant_id in answered["pre"] & answered["post"] & answered["reaction"]][:n]:
        registration.status = "withdrawn"
    db.session.commit()
    confirmed = set(db.session.scalars(select(Registration.participant_id).where(
        Registration.training_id == training.id, Registration.status == "confirmed")))
    return len(answered["pre"] & confirmed)


def test_session_report_programme_report_dashboard_and_api_agree_on_the_demo(app):
    seed_demo()
    training = db.session.scalar(select(TrainingSession).where(TrainingSession.title == REFERENCE_TITLE))
    manager = db.session.scalar(select(User).where(User.email == "manager@example.org"))
    client = app.test_client(user=manager)
    reaction_before = client.get(f"/api/v1/sessions/{training.id}/evaluation").json["reaction"]["responses"]
    pre_confirmed = _withdraw_respondents(training, 6)  # people who answered and withdrew afterwards
    api = client.get(f"/api/v1/sessions/{training.id}/evaluation").json
    k = api["knowledge"]
    # tests count the confirmed only; the anonymous survey keeps their answers and counts them in its denominator
    assert api["pre_test"]["responses"] == pre_confirmed and api["pre_test"]["response_rate"] <= 1
    assert api["reaction"]["responses"] == reaction_before
    assert api["reaction"]["response_rate"] == pytest.approx(reaction_before / (api["confirmed"] + 6))
    assert all(api[kind]["response_rate"] <= 1 for kind in ("pre_test", "post_test", "reaction", "follow_up"))

    # the programme workbook: the training's row and the overall row hold the API's figures, unrounded
    workbook = load_workbook(io.BytesIO(documents.programme_report_xlsx(YEAR_2022)))
    rows = list(workbook["Evaluation"].iter_rows(values_only=True))
    header, overall, own = rows[0], rows[1], next(r for r in rows[2:] if r[0].startswith(f"{training.id} ·"))
    expected = {"Confirmed": api["confirmed"], "Pre-test responses": api["pre_test"]["responses"],
                "Mean pre-test score": api["pre_test"]["mean_score"], "Paired": k["paired"],
                "Increased": k["increased_share"], "Mean gain": k["mean_gain"], "Normalised gain": k["normalised_gain"],
                "Reaction responses": api["reaction"]["responses"], "Follow-up responses": api["follow_up"]["responses"],
                "Reaction response rate": api["reaction"]["response_rate"],
                "Overdue": api["recommendations"]["overdue"]}
    for row in (own, overall):  # the demo holds one training in 2022
        got = dict(zip(header, row))
        for name, value in expected.items():
            assert got[name] == pytest.approx(value), name
    by_sex = {r[0]: r for r in workbook["Evaluation by sex"].iter_rows(min_row=2, values_only=True)}
    assert by_sex["Female"][1] == k["by_sex"]["female"]["paired"]
    assert by_sex["Female"][5] == pytest.approx(k["by_sex"]["female"]["mean_gain"])
    organisations = {r[0]: r for r in workbook["Evaluation by organisation"].iter_rows(min_row=2, values_only=True)}
    for row in k["by_organisation"]:
        assert organisations[row["organisation"]][1] == row["paired"]

    # the dashboard, for the same year
    values = dashboard_values(client.get("/dashboard?from=2022-01-01&to=2022-12-31").text)
    assert float(values["increased"]) == pytest.approx(k["increased_share"], abs=1e-4)
    assert float(values["normalised-gain"]) == pytest.approx(k["normalised_gain"], abs=1e-4)
    assert float(values["mean-pre"]) == pytest.approx(api["pre_test"]["mean_score"], abs=1e-4)
    assert float(values["reaction-rate"]) == pytest.approx(api["reaction"]["response_rate"], abs=1e-4)
    with app.test_request_context():  # the mean gain reads as on the page and the PDFs: "+33 points", not "33%"
        assert f'data-figure="mean-gain" data-value="{values["mean-gain"]}">{"%+d points" % round(k["mean_gain"] * 100)}<' in \
            client.get("/dashboard?from=2022-01-01&to=2022-12-31").text

    # the two PDFs print the same figures, rounded as everywhere, with their definitions
    with app.test_request_context():
        shown = [fmt_percent(v) for v in (k["mean_pre"], k["mean_post"], k["increased_share"])]
        shown += ["%+d points" % round(k["mean_gain"] * 100), fmt_percent(k["normalised_gain"])]
        female = [fmt_percent(v) for v in (k["by_sex"]["female"]["mean_pre"], k["by_sex"]["female"]["mean_post"])]
        session = pdf_text(documents.session_report_pdf(training))
        programme = pdf_text(documents.programme_report_pdf(YEAR_2022))
    for text in (session, programme):
        assert "Evaluation" in text and "Normalised gain" in text
        assert " ".join([str(k["paired"]), *shown]) in text
        assert " ".join([str(k["by_sex"]["female"]["paired"]), *female]) in text
        assert "Paired: participants who took both the pre-test and the post-test" in text
    organisation = k["by_organisation"][0]
    assert organisation["organisation"] in session


def test_the_figures_agree_on_synthetic_data(app):
    seed_synthetic(6, 120, seed=7)
    trainings = db.session.scalars(select(TrainingSession.id).where(
        TrainingSession.id.in_(select(Instrument.training_id)))).all()
    assert trainings, "seed-synthetic gives its completed trainings test answers"
    manager = UserFactory(role="manager")
    client = app.test_client(user=manager)
    workbook = load_workbook(io.BytesIO(documents.programme_report_xlsx(ProgrammeFilters())))
    rows = list(workbook["Evaluation"].iter_rows(values_only=True))
    header = rows[0]
    by_id = {int(r[0].split(" ·")[0]): dict(zip(header, r)) for r in rows[2:]}
    for training_id in trainings:
        api = client.get(f"/api/v1/sessions/{training_id}/evaluation").json
        got = by_id[training_id]
        assert got["Paired"] == api["knowledge"]["paired"]
        assert got["Mean post-test score"] == pytest.approx(api["post_test"]["mean_score"])
        assert got["Normalised gain"] == pytest.approx(api["knowledge"]["normalised_gain"])
    overall = dict(zip(header, rows[1]))
    assert overall["Paired"] == sum(by_id[t]["Paired"] for t in trainings)
