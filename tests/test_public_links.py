"""Absolute links come from PUBLIC_BASE_URL, never from the request's Host; untrusted hosts answer 400."""
import re
import subprocess

import pytest
import segno
from sqlalchemy import select

from tests.conftest import make_test_config
from tests.factories import CompletedTrainingFactory, TrainingSessionFactory, attended
from tests.test_certificate_pdf import _qr_image_from_pdf
from training_mgr import create_app
from training_mgr.certificates.models import Certificate
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail

PUBLIC = "https://trainings.example.org"
#: the attacker's host, trusted on purpose below to show that trusting a host does not put it in links
EVIL = {"Host": "evil.example"}
EVIL_TRUSTED = pytest.mark.config(PUBLIC_BASE_URL=PUBLIC, TRUSTED_HOSTS=["localhost", "evil.example"])


def logged_in_on_evil_host(login, user):
    """A client logged in as ``user`` whose log-in cookie is also sent to evil.example."""
    client = login(user)
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    return client


# --- which hosts are answered -----------------------------------------------------------------------

def test_trusted_hosts_from_the_environment_are_a_comma_separated_list(app, monkeypatch):
    monkeypatch.setenv("TRAINING_MGR_TRUSTED_HOSTS", "trainings.example.org, localhost")
    env_app = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    assert env_app.config["TRUSTED_HOSTS"] == ["trainings.example.org", "localhost"]
    client = env_app.test_client()
    try:
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz", headers={"Host": "trainings.example.org"}).status_code == 200
        assert client.get("/healthz", base_url="https://trainings.example.org:8443").status_code == 200
        assert client.get("/healthz", headers=EVIL).status_code == 400
    finally:
        with env_app.app_context():
            db.engine.dispose()


def test_unset_only_loopback_names_and_the_public_host_are_trusted(app):
    assert app.config["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1"]  # tests' PUBLIC_BASE_URL is localhost
    other = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], PUBLIC_BASE_URL=PUBLIC + "/trainings"))
    assert other.config["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1", "trainings.example.org"]


def test_a_request_for_an_untrusted_host_gets_a_friendly_400_page(client):
    for path in ("/", "/login", "/sessions/1", "/no-such-page"):
        response = client.get(path, headers=EVIL)
        assert response.status_code == 400, path
        html = response.get_data(as_text=True)
        assert "Unknown address" in html and '<html lang="en" dir="ltr">' in html
        assert 'href="http://localhost"' in html  # the way to the real site
    arabic = client.get("/?lang=ar", headers=EVIL).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic
    api = client.get("/api/v1/sessions", headers=EVIL)
    assert api.status_code == 400 and api.json["status"] == 400


def test_a_password_reset_asked_through_an_untrusted_host_is_refused_and_mails_nothing(client, people):
    response = client.post("/password/forgot", data={"email": people.participant.email}, headers=EVIL)
    assert response.status_code == 400
    assert db.session.scalars(select(OutboundEmail)).all() == []


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_a_form_posted_to_an_untrusted_host_without_its_token_is_still_a_400(client):
    response = client.post("/login", data={"email": "a@example.org", "password": "x"}, headers=EVIL)
    assert response.status_code == 400 and "Unknown address" in response.get_data(as_text=True)


# --- links under the public address -------------------------------------------------------------

@EVIL_TRUSTED
def test_the_mailed_reset_link_points_at_the_public_address_whatever_host_asked(app, client, people, smtp_server):
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_DEFAULT_SENDER="trainings@example.org")
    response = client.post("/password/forgot", data={"email": people.participant.email}, headers=EVIL)
    assert response.status_code == 302
    (message,) = smtp_server.messages
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert re.search(re.escape(PUBLIC) + r"/password/reset/\S+", text)
    assert f'href="{PUBLIC}/password/reset/' in html
    assert "evil.example" not in text + html


@EVIL_TRUSTED
def test_the_calendar_file_links_and_names_the_event_under_the_public_address(client):
    training = TrainingSessionFactory()
    body = client.get(f"/sessions/{training.id}.ics", headers=EVIL).get_data(as_text=True)
    unfolded = body.replace("\r\n ", "")
    assert f"URL:{PUBLIC}/sessions/{training.id}\r\n" in unfolded
    assert f"UID:training-session-{training.id}@trainings.example.org\r\n" in unfolded
    assert "evil.example" not in unfolded


@EVIL_TRUSTED
def test_the_api_next_link_is_under_the_public_address(login, people):
    TrainingSessionFactory()
    body = logged_in_on_evil_host(login, people.manager).get("/api/v1/sessions?per_page=1", headers=EVIL).json
    assert body["next"] == f"{PUBLIC}/api/v1/sessions?per_page=1&page=2"


@EVIL_TRUSTED
def test_a_certificate_issued_through_another_host_prints_the_public_verification_address(login, people):
    training = CompletedTrainingFactory(officers=[people.officer])
    attended(training, ["present"] * 3)
    response = logged_in_on_evil_host(login, people.officer).post(
        f"/officer/trainings/{training.id}/certificates/issue", data={"scope": "all"}, headers=EVIL,
    )
    assert response.status_code == 302
    certificate = db.session.scalar(select(Certificate))
    url = f"{PUBLIC}/verify/{certificate.code}"
    text = subprocess.run(["pdftotext", "-", "-"], input=certificate.pdf, capture_output=True, check=True).stdout.decode()
    assert url in text.replace("\n", "") and "evil.example" not in text
    expected = segno.make(url, error="m")
    grey = _qr_image_from_pdf(certificate.pdf)
    size = len(expected.matrix)
    scale = grey.width // size
    read = [[grey.getpixel((x * scale + scale // 2, y * scale + scale // 2)) < 128 for x in range(size)] for y in range(size)]
    assert read == [[bool(v) for v in row] for row in expected.matrix]
