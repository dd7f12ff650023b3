"""A login cookie stops working everywhere at once: log-out, password change or reset, deactivation; staff
sessions end after an idle period. Each test copies a real cookie from the log-in form into a second browser,
as someone who stole it would."""
import re
import time

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import select

from tests.factories import PASSWORD, UserFactory
from training_mgr.core.security import LAST_SEEN_KEY
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail

NEW_PASSWORD = "a brand new passphrase"


def logged_in(app, user, password=PASSWORD):
    """A browser that logged in through the real form."""
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302 and "/login" not in response.location
    return browser


def copy_of_cookie(app, browser):
    """A second browser holding a copy of ``browser``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def sent_to_log_in(response):
    return response.status_code == 302 and response.location.split("?")[0].endswith("/login")


def mailed_link(kind):
    body = db.session.scalars(
        select(OutboundEmail.body_text).where(OutboundEmail.kind == kind).order_by(OutboundEmail.id.desc())
    ).first()
    return re.search(r"http://localhost(/password/\S+)", body).group(1)


@pytest.fixture
def officer(app):
    return UserFactory(role="officer", email="officer@example.org")


@pytest.fixture
def admin(app):
    return UserFactory(role="admin", email="admin@example.org")


# --- ending every copy of a session ------------------------------------------------------------

def test_a_cookie_copied_before_logout_stops_working_at_logout(app, officer):
    browser = logged_in(app, officer)
    thief = copy_of_cookie(app, browser)
    assert thief.get("/officer").status_code == 200  # the copy works while the session lasts

    browser.post("/logout")

    assert sent_to_log_in(thief.get("/officer"))
    assert sent_to_log_in(browser.get("/officer"))
    # the person logs in again and works as before; the old copy stays dead
    again = logged_in(app, officer)
    assert again.get("/officer").status_code == 200
    assert sent_to_log_in(thief.get("/officer"))


def test_logging_out_also_ends_a_remember_me_cookie(app, officer):
    with app.test_request_context():
        remembered = encode_cookie(officer.get_id())
    laptop = app.test_client()
    laptop.set_cookie("remember_token", remembered)
    assert laptop.get("/officer").status_code == 200  # the remember-me cookie logs the laptop in

    logged_in(app, officer).post("/logout")

    stale = app.test_client()
    stale.set_cookie("remember_token", remembered)
    assert sent_to_log_in(stale.get("/officer"))


def test_changing_the_password_ends_the_copies_but_keeps_this_browser(app, officer):
    browser = logged_in(app, officer)
    thief = copy_of_cookie(app, browser)
    response = browser.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert browser.get("/officer").status_code == 200
    assert sent_to_log_in(thief.get("/officer"))


def test_resetting_a_forgotten_password_ends_every_session(app, officer):
    browser = logged_in(app, officer)
    thief = copy_of_cookie(app, browser)

    app.test_client().post("/password/forgot", data={"email": officer.email})
    link = mailed_link("password.reset_password")
    response = app.test_client().post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302

    assert sent_to_log_in(thief.get("/officer"))
    assert sent_to_log_in(browser.get("/officer"))
    assert logged_in(app, officer, NEW_PASSWORD).get("/officer").status_code == 200


def test_deactivation_by_an_admin_ends_the_session_at_once(app, officer, admin):
    browser = logged_in(app, officer)
    thief = copy_of_cookie(app, browser)
    admin_browser = logged_in(app, admin)

    response = admin_browser.post(f"/admin/users/{officer.id}/deactivate")
    assert response.status_code == 302

    assert sent_to_log_in(browser.get("/officer"))
    assert sent_to_log_in(thief.get("/officer"))
    refused = app.test_client().post("/login", data={"email": officer.email, "password": PASSWORD})
    assert refused.status_code == 200 and "Wrong e-mail or password." in refused.text


def test_an_inactive_account_is_refused_even_with_its_current_cookie(app, officer):
    """Deactivated behind the services' back (say, in the database): the loader still refuses the cookie."""
    browser = logged_in(app, officer)
    officer.active = False
    db.session.commit()
    assert sent_to_log_in(browser.get("/officer"))


def test_a_password_reset_forced_by_an_admin_ends_the_session(app, officer, admin):
    browser = logged_in(app, officer)
    thief = copy_of_cookie(app, browser)

    assert logged_in(app, admin).post(f"/admin/users/{officer.id}/reset-password").status_code == 302

    assert sent_to_log_in(browser.get("/officer"))
    assert sent_to_log_in(thief.get("/officer"))
    old_password = app.test_client().post("/login", data={"email": officer.email, "password": PASSWORD})
    assert "Wrong e-mail or password." in old_password.text


# --- idle staff sessions -------------------------------------------------------------------------

def move_last_seen_back(browser, minutes):
    with browser.session_transaction() as sess:
        sess[LAST_SEEN_KEY] = int(time.time()) - minutes * 60


def test_a_staff_session_ends_after_the_idle_period(app, officer):
    browser = logged_in(app, officer)
    assert browser.get("/officer").status_code == 200

    move_last_seen_back(browser, 8 * 60 + 1)
    response = browser.get("/officer")
    assert sent_to_log_in(response)
    assert "next=" in response.location  # back to the page after logging in again
    login_page = browser.get(response.location)
    assert "Your session ended after a period of inactivity" in login_page.text
    assert sent_to_log_in(browser.get("/officer"))  # and it stays ended


def test_a_staff_session_in_use_does_not_end(app, officer):
    browser = logged_in(app, officer)
    for _ in range(3):
        move_last_seen_back(browser, 8 * 60 - 1)  # each request within 8 h of the one before
        assert browser.get("/officer").status_code == 200


@pytest.mark.config(STAFF_IDLE_TIMEOUT_MINUTES=30)
def test_the_idle_period_is_configurable(app, officer):
    browser = logged_in(app, officer)
    move_last_seen_back(browser, 31)
    assert sent_to_log_in(browser.get("/officer"))


def test_an_idle_browser_session_on_the_api_answers_401(app, officer):
    browser = logged_in(app, officer)
    assert browser.get("/api/v1/sessions").status_code == 200
    move_last_seen_back(browser, 8 * 60 + 1)
    assert browser.get("/api/v1/sessions").status_code == 401


def test_participants_are_not_logged_out_for_being_idle(app):
    from tests.factories import ParticipantFactory

    person = ParticipantFactory(email="layla@example.org")
    participant = UserFactory(role="participant", email=person.email, participant=person)
    browser = logged_in(app, participant)
    move_last_seen_back(browser, 24 * 60)
    assert browser.get("/account").status_code == 200


def test_the_last_seen_time_is_written_at_most_once_a_minute(app, officer):
    browser = logged_in(app, officer)
    browser.get("/officer")  # sets the last-seen time
    assert "Set-Cookie" not in browser.get("/officer").headers  # a minute has not passed: the cookie stays
    move_last_seen_back(browser, 2)
    refreshed = browser.get("/officer")
    assert "session=" in refreshed.headers.get("Set-Cookie", "")
    with browser.session_transaction() as sess:
        assert abs(sess[LAST_SEEN_KEY] - time.time()) < 5
