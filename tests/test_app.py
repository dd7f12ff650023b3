"""The application factory, configuration precedence, health check and error pages."""
import pytest

from training_mgr import create_app


def test_defaults_use_sqlite_in_instance_and_a_generated_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("TRAINING_MGR_SECRET_KEY", raising=False)
    monkeypatch.delenv("TRAINING_MGR_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/training_mgr.sqlite")
    key = (app.instance_path + "/secret_key")
    assert open(key).read().strip() == app.config["SECRET_KEY"]
    # the same key on the next start, so sessions survive a restart
    assert create_app({"TESTING": True}).config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_environment_overrides_defaults_and_explicit_config_overrides_environment(monkeypatch):
    monkeypatch.setenv("TRAINING_MGR_SECRET_KEY", "from-env")
    monkeypatch.setenv("TRAINING_MGR_MAIL_PORT", "2525")
    monkeypatch.setenv("TRAINING_MGR_SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://u:p@db.invalid/x")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["MAIL_PORT"] == 2525  # parsed as JSON, so a number
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.invalid/x"
    assert create_app({"SECRET_KEY": "explicit"}).config["SECRET_KEY"] == "explicit"


def test_healthz_answers_when_the_database_is_usable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_unknown_page_is_a_friendly_404_in_the_chosen_language(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b'<html lang="en" dir="ltr">' in response.data


def test_html_lang_and_dir_follow_the_language(client):
    assert b'<html lang="ar" dir="rtl">' in client.get("/?lang=ar").data
    # remembered for the rest of the visit
    assert b'<html lang="ar" dir="rtl">' in client.get("/login").data
    assert b'<html lang="en" dir="ltr">' in client.get("/?lang=en").data


def test_accept_language_chooses_when_nothing_else_does(client):
    response = client.get("/", headers={"Accept-Language": "ar-IQ,ar;q=0.9,en;q=0.5"})
    assert b'<html lang="ar" dir="rtl">' in response.data


def test_a_crash_rolls_back_and_shows_a_request_id(app, client):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom-for-test", headers={"X-Request-Id": "abc123"})
    assert response.status_code == 500
    assert b"abc123" in response.data
    assert b"Something went wrong" in response.data


LISTS = ("/", "/organisations", "/organisations/other", "/courses", "/courses/{course}", "/officer",
         "/officer/trainings/{training}/registrations", "/recommendations", "/dashboard", "/admin/audit",
         "/api/v1/sessions", "/api/v1/sessions/{training}/registrations")


@pytest.mark.parametrize("page", ["99999999999999999999", "-3", "two"])
def test_any_page_number_in_the_address_bar_gives_a_page(people, login, page):
    """A page number too large for the database, negative or not a number: a page, never an error."""
    admin = login(people.admin)
    for path in LISTS:
        url = path.format(course=people.training.course_id, training=people.training.id)
        response = admin.get(url, query_string={"page": page, "overdue_page": page})
        assert response.status_code == 200, (url, response.status_code)
