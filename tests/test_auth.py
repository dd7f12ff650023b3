"""Logging in and out through the real form."""
import pytest

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def officer(app):
    return UserFactory(role="officer", email="officer@example.org")


def test_login_page_has_the_labelled_fields_and_button(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<label class="form-label" for="email">Email</label>' in html
    assert '<label class="form-label" for="password">Password</label>' in html
    assert ">Log in</button>" in html


def test_right_password_logs_in_and_lands_on_the_role_home(client, officer):
    response = client.post("/login", data={"email": "Officer@Example.org ", "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/officer"
    assert client.get("/officer").status_code == 200


@pytest.mark.parametrize("email,password", [("officer@example.org", "wrong"), ("nobody@example.org", PASSWORD)])
def test_wrong_email_or_password_gets_one_generic_message(client, officer, email, password):
    response = client.post("/login", data={"email": email, "password": password})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wrong e-mail or password." in html
    assert f'value="{email}"' in html  # the form keeps what was typed
    assert client.get("/officer").status_code == 302  # still anonymous


def test_inactive_user_cannot_log_in(client):
    UserFactory(role="officer", email="gone@example.org", active=False)
    response = client.post("/login", data={"email": "gone@example.org", "password": PASSWORD})
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["/courses", "/officer/trainings/1?tab=x"])
def test_safe_next_is_followed(client, officer, target):
    response = client.post(f"/login?next={target}", data={"email": officer.email, "password": PASSWORD})
    assert response.location == target


@pytest.mark.parametrize(
    "target", ["https://evil.example.com/", "//evil.example.com/x", "/\\evil.example.com", "javascript:alert(1)", "http:evil"]
)
def test_unsafe_next_is_ignored(client, officer, target):
    response = client.post("/login", query_string={"next": target}, data={"email": officer.email, "password": PASSWORD})
    assert response.location == "/officer"


def test_anonymous_user_is_sent_to_log_in_and_comes_back(client, officer):
    response = client.get("/courses")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    response = client.post(response.location, data={"email": officer.email, "password": PASSWORD})
    assert response.location == "/courses"


def test_logout_ends_the_session(client, officer):
    client.post("/login", data={"email": officer.email, "password": PASSWORD})
    client.post("/logout")
    assert client.get("/officer").status_code == 302


def test_a_link_to_logout_only_asks_so_another_site_cannot_log_a_user_out(client, officer):
    client.post("/login", data={"email": officer.email, "password": PASSWORD})
    response = client.get("/logout")  # what a link or an image on another site makes the browser send
    assert response.status_code == 200 and "Log out?" in response.text
    assert client.get("/officer").status_code == 200  # still logged in


def test_changing_the_password_ends_other_sessions(app, client, officer):
    from training_mgr.extensions import db

    client.post("/login", data={"email": officer.email, "password": PASSWORD})
    assert client.get("/officer").status_code == 200
    officer.set_password("a-brand-new-password")
    db.session.commit()
    assert client.get("/officer").status_code == 302


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_login_form_without_csrf_token_is_refused(client, officer):
    response = client.post("/login", data={"email": officer.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    assert client.get("/officer").status_code == 302


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_login_form_with_its_csrf_token_works(client, officer):
    import re

    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"email": officer.email, "password": PASSWORD, "csrf_token": token})
    assert response.location == "/officer"


def test_create_user_command(runner):
    from training_mgr.auth.models import User
    from training_mgr.extensions import db

    result = runner.invoke(args=["create-user", "New.Officer@example.org", "--role", "officer", "--password", "pw-long-enough-1"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="new.officer@example.org").one()
    assert user.role == "officer" and user.check_password("pw-long-enough-1")
    again = runner.invoke(args=["create-user", "new.officer@example.org", "--role", "officer", "--password", "x"])
    assert again.exit_code != 0
    assert "already exists" in again.output
