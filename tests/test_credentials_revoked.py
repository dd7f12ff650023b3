"""When the way into an account can no longer be trusted — an admin forces a password reset, the password changes
(on the account page or with an e-mailed link), the account is deactivated — every browser logged in as that user and
every API token of theirs stop working at once: the next page asks to log in, the next API call answers 401."""
import re

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD
from training_mgr.audit.models import AuditEntry
from training_mgr.auth.models import ApiToken
from training_mgr.auth.services import create_api_token
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail

NEW_PASSWORD = "a brand new passphrase"


def logged_in_browser(app, user, password=PASSWORD):
    """A client logged in through the log-in form, as a person's browser is."""
    browser = app.test_client()
    assert browser.post("/login", data={"email": user.email, "password": password}).status_code == 302
    return browser


def api_with_token(app, plain):
    return app.test_client().get("/api/v1/sessions", headers={"Authorization": f"Bearer {plain}"}).status_code


def reset_link(kind):
    body = db.session.scalars(select(OutboundEmail.body_text).where(OutboundEmail.kind == kind)
                              .order_by(OutboundEmail.id.desc())).first()
    return re.search(r"http://localhost(/password/reset/\S+)", body).group(1)


def admin_forces_a_reset(app, people):
    admin = logged_in_browser(app, people.admin)
    response = admin.post(f"/admin/users/{people.officer.id}/reset-password", follow_redirects=True)
    assert "is cleared" in response.text and re.search(r"\d API tokens? of theirs (was|were) revoked\.", response.text)


def the_officer_changes_the_password(app, people):
    # on another device than the browser and the script under test
    device = logged_in_browser(app, people.officer)
    response = device.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password is changed." in response.text and re.search(r"Your (\d )?API tokens? (was|were) revoked", response.text)
    assert device.get("/api/v1/sessions").status_code == 200  # the device that changed it stays logged in


def the_officer_resets_it_with_the_emailed_link(app, people):
    anyone = app.test_client()
    anyone.post("/password/forgot", data={"email": people.officer.email})
    response = anyone.post(reset_link("password.reset_password"), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location == "/login"


def admin_deactivates_the_account(app, people):
    admin = logged_in_browser(app, people.admin)
    response = admin.post(f"/admin/users/{people.officer.id}/deactivate", follow_redirects=True)
    assert "API tokens revoked" in response.text


@pytest.mark.parametrize("event", [admin_forces_a_reset, the_officer_changes_the_password,
                                   the_officer_resets_it_with_the_emailed_link, admin_deactivates_the_account])
def test_the_event_ends_every_session_and_revokes_every_token(app, people, event):
    _, plain = create_api_token(people.officer, "donor dashboard")
    _, other_plain = create_api_token(people.officer, "nightly export")
    browser = logged_in_browser(app, people.officer)
    assert api_with_token(app, plain) == 200 and api_with_token(app, other_plain) == 200
    assert browser.get("/api/v1/sessions").status_code == 200 and browser.get("/officer").status_code == 200

    event(app, people)

    assert api_with_token(app, plain) == 401 and api_with_token(app, other_plain) == 401
    assert browser.get("/api/v1/sessions").status_code == 401
    assert browser.get("/officer").status_code == 302  # sent to log in
    assert all(token.revoked_at is not None for token in db.session.scalars(select(ApiToken)))


@pytest.mark.parametrize("event", [the_officer_changes_the_password, the_officer_resets_it_with_the_emailed_link])
def test_the_new_password_opens_a_new_session_and_new_tokens_work(app, people, event):
    _, old = create_api_token(people.officer, "script")
    event(app, people)
    browser = logged_in_browser(app, people.officer, NEW_PASSWORD)
    assert browser.get("/api/v1/sessions").status_code == 200
    _, new = create_api_token(people.officer, "script again")
    assert api_with_token(app, new) == 200 and api_with_token(app, old) == 401
    summaries = [e.summary for e in db.session.scalars(select(AuditEntry).where(AuditEntry.object_id == people.officer.id))]
    assert any("1 API token(s) revoked" in summary for summary in summaries)


def test_tokens_of_other_users_keep_working(app, people):
    _, officers = create_api_token(people.officer, "script")
    _, managers = create_api_token(people.manager, "dashboard")
    admin_forces_a_reset(app, people)
    assert api_with_token(app, officers) == 401 and api_with_token(app, managers) == 200


def test_a_token_made_by_a_request_under_way_while_the_password_changes_is_refused(app, people):
    """The session read its credentials before the change; the token is committed after the tokens were revoked."""
    _, before = create_api_token(people.officer, "before")
    version = people.officer.credentials_version  # as a request that began before the change read it
    the_officer_changes_the_password(app, people)
    assert api_with_token(app, before) == 401
    _, in_flight = create_api_token(people.officer, "in flight", credentials_version=version)
    assert api_with_token(app, in_flight) == 401
    _, afterwards = create_api_token(people.officer, "afterwards")
    assert api_with_token(app, afterwards) == 200


def test_the_token_page_under_way_while_an_admin_forces_a_reset_gives_a_token_that_is_refused(app, people, monkeypatch):
    from training_mgr.auth import services as auth

    browser = logged_in_browser(app, people.officer)
    make_token = auth.create_api_token

    def the_reset_commits_meanwhile(user, *args, **kwargs):
        auth.end_sessions_and_tokens(user)  # what the admin's forced reset commits while this request runs
        db.session.commit()
        return make_token(user, *args, **kwargs)

    monkeypatch.setattr(auth, "create_api_token", the_reset_commits_meanwhile)
    page = browser.post("/account/tokens/new", data={"name": "script", "lifetime": "30"})
    plain = re.search(r"tm_[A-Za-z0-9_\-]+", page.text).group(0)
    assert api_with_token(app, plain) == 401
