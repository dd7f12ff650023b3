"""HTTP caching of personal pages (no-store) and /healthz when the database is usable or not."""
import pytest

from tests.conftest import make_test_config
from tests.factories import PASSWORD, CompletedTrainingFactory, ParticipantFactory, TrainingSessionFactory, attended
from training_mgr import create_app
from training_mgr.auth.services import create_api_token
from training_mgr.certificates import services as certificates
from training_mgr.extensions import db


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


# --- Cache-Control ------------------------------------------------------------------------------

def test_every_page_of_a_logged_in_user_is_no_store(login, people):
    officer = login(people.officer)
    registrations = f"/officer/trainings/{people.training.id}/registrations"
    for path in ("/home", registrations, registrations, "/no-such-page", "/api/v1/sessions"):  # the list twice:
        response = officer.get(path)                                                          # drawn, then kept
        assert no_store(response), (path, response.status_code, response.headers.get("Cache-Control"))
    participant = login(people.participant)
    assert no_store(participant.get("/account"))
    assert no_store(participant.get("/"))  # even a public page, once someone is logged in


def test_api_answers_to_a_token_are_no_store(client, people):
    _, plain = create_api_token(people.manager, "dashboard")
    response = client.get(f"/api/v1/sessions/{people.training.id}/registrations", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200 and no_store(response)
    refused = client.get("/api/v1/sessions", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401 and no_store(refused)


def test_logging_in_and_out_answers_are_no_store(client, people):
    response = client.post("/login", data={"email": people.officer.email, "password": PASSWORD})
    assert response.status_code == 302 and no_store(response)
    response = client.post("/logout")
    assert response.status_code == 302 and no_store(response)


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_a_form_holding_a_session_token_is_no_store_but_public_pages_and_static_files_are_not(client):
    training = TrainingSessionFactory()
    # an anonymous visitor without a session: the public pages keep their caching
    for path in ("/", f"/sessions/{training.id}", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200 and not no_store(response), path
    # the registration form puts a CSRF token in the session cookie
    assert no_store(client.get(f"/sessions/{training.id}/register"))
    # from then on the visitor carries a session
    assert no_store(client.get("/"))
    assert not no_store(client.get("/static/css/app.css"))


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_a_certificate_verification_page_showing_the_holders_name_is_no_store(app, people):
    training = CompletedTrainingFactory(officers=[people.officer])
    attended(training, ["present"] * 3, participant=ParticipantFactory(name="Zainab Al-Jubouri"))
    [certificate], _ = certificates.issue_certificates(training, by_user=people.officer)
    response = app.test_client().get(f"/verify/{certificate.code}")  # a stranger, no session yet
    assert "Zainab Al-Jubouri" in response.get_data(as_text=True) and no_store(response)


# --- /healthz -----------------------------------------------------------------------------------

def _health_of(database_url):
    app = create_app(make_test_config(database_url))
    try:
        return app.test_client().get("/healthz")
    finally:
        with app.app_context():
            db.engine.dispose()


def test_healthz_is_200_json_when_the_database_is_usable(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


@pytest.mark.parametrize("unusable_url", [
    "sqlite:////nonexistent-directory/training_mgr.sqlite",  # a file that cannot be opened
    "postgresql+psycopg://nobody:secret@127.0.0.1:1/none",   # a server that does not answer
])
def test_healthz_is_a_short_503_json_when_the_database_cannot_be_reached(app, unusable_url):
    response = _health_of(unusable_url)
    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.json == {"status": "unavailable", "database": "error"}


def test_healthz_is_503_on_a_database_without_the_app_tables_and_200_once_they_exist(app, new_database_url):
    response = _health_of(new_database_url)
    assert response.status_code == 503 and response.json["status"] == "unavailable"
    empty = create_app(make_test_config(new_database_url))
    with empty.app_context():
        db.create_all()
        db.engine.dispose()
    assert _health_of(new_database_url).status_code == 200
