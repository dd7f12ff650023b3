"""Read-API tokens on the account page: made with a name and an expiry, shown once, stored hashed, listed
with their last use, revoked with confirmation; a revoked or expired token answers 401 at once."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from training_mgr.audit.models import AuditEntry
from training_mgr.auth.models import ApiToken
from training_mgr.core.db import as_utc, utcnow
from training_mgr.extensions import db


def make_token(client, name="Donor dashboard", lifetime="90", expires_on=""):
    """Create a token through the account page; returns (the page's answer, the plain token shown on it)."""
    response = client.post("/account/tokens/new", data={"name": name, "lifetime": lifetime, "expires_on": expires_on})
    shown = re.search(r'id="api-token" type="text" value="(tm_[^"]+)"', response.text)
    return response, shown.group(1) if shown else None


def api(client, plain):
    return client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {plain}"})


@pytest.mark.parametrize("role", ["officer", "manager", "admin"])
def test_staff_make_a_token_that_is_shown_once_and_opens_the_api(app, login, people, role):
    user = getattr(people, role)
    client = login(user)
    home = client.get("/account").text
    assert "API tokens" in home and "/account/tokens/new" in home

    response, plain = make_token(client)
    assert response.status_code == 200 and plain
    assert "shown only this once" in response.text
    assert response.headers["Cache-Control"] == "no-store"

    stored = db.session.scalar(select(ApiToken))
    assert stored.user_id == user.id and stored.name == "Donor dashboard"
    assert plain not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    assert plain not in client.get("/account").text  # never shown again
    assert api(app.test_client(), plain).status_code == 200


def test_the_list_shows_created_expiry_last_use_and_state(app, login, people):
    client = login(people.manager)
    _, plain = make_token(client, lifetime="30")
    token = db.session.scalar(select(ApiToken))
    assert as_utc(token.expires_at) - utcnow() > timedelta(days=29, hours=23)
    assert as_utc(token.expires_at) - utcnow() <= timedelta(days=30)
    listed = client.get("/account").text
    assert "Donor dashboard" in listed and token.prefix in listed
    assert listed.count("never") >= 1  # not used yet

    api(app.test_client(), plain)
    db.session.refresh(token)
    assert token.last_used_at is not None
    listed = client.get("/account").text
    row = listed[listed.index("Donor dashboard"):]
    row = row[:row.index("</tr>")]
    assert "never" not in row and "Active" in row


def test_a_chosen_expiry_date_is_kept_to_the_end_of_that_day(app, login, people):
    client = login(people.officer)
    day = date.today() + timedelta(days=10)
    response, plain = make_token(client, lifetime="date", expires_on=day.isoformat())
    assert plain
    token = db.session.scalar(select(ApiToken))
    assert as_utc(token.expires_at).date() == day + timedelta(days=1)


@pytest.mark.parametrize("data, field_error", [
    ({"name": "", "lifetime": "90"}, "This field is required."),
    ({"name": "x" * 101, "lifetime": "90"}, "100"),
    ({"name": "script", "lifetime": "date", "expires_on": ""}, "Choose the date the token stops working."),
    ({"name": "script", "lifetime": "date", "expires_on": (date.today() - timedelta(days=1)).isoformat()}, "after today"),
    ({"name": "script", "lifetime": "date", "expires_on": (date.today() + timedelta(days=400)).isoformat()}, "at most 365 days"),
    ({"name": "script", "lifetime": "forever"}, "Not a valid choice"),
])
def test_bad_token_forms_are_shown_again_with_the_error(login, people, data, field_error):
    response = login(people.officer).post("/account/tokens/new", data=data)
    assert response.status_code == 200
    assert field_error in response.text
    assert 'id="api-token"' not in response.text
    assert db.session.scalar(select(ApiToken)) is None


def test_revoking_asks_first_and_the_token_answers_401_at_once(app, login, people):
    client = login(people.officer)
    _, plain = make_token(client)
    token = db.session.scalar(select(ApiToken))
    assert api(app.test_client(), plain).status_code == 200

    confirm = client.get(f"/account/tokens/{token.id}/revoke")
    assert confirm.status_code == 200 and "lose access to the API at once" in confirm.text
    assert api(app.test_client(), plain).status_code == 200  # asking is not revoking

    done = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "is revoked" in done.text and "Revoked" in done.text
    assert api(app.test_client(), plain).status_code == 401


def test_an_expired_token_answers_401(app, login, people):
    client = login(people.officer)
    _, plain = make_token(client)
    token = db.session.scalar(select(ApiToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert api(app.test_client(), plain).status_code == 401
    assert "Expired" in client.get("/account").text


def test_creating_and_revoking_are_audit_logged(login, people):
    client = login(people.officer)
    make_token(client, name="Nightly export")
    token = db.session.scalar(select(ApiToken))
    client.post(f"/account/tokens/{token.id}/revoke")
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.user_id, e.object_type, e.object_id) for e in entries] == [
        ("api_token.create", people.officer.id, "ApiToken", token.id),
        ("api_token.revoke", people.officer.id, "ApiToken", token.id),
    ]
    assert "Nightly export" in entries[0].summary and token.prefix in entries[0].summary


def test_nobody_else_can_revoke_or_see_someone_elses_token(app, login, people):
    _, plain = make_token(login(people.officer))
    token = db.session.scalar(select(ApiToken))
    for intruder in (people.other_officer, people.admin):
        client = login(intruder)
        assert client.get(f"/account/tokens/{token.id}/revoke").status_code == 404
        assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
        assert token.prefix not in client.get("/account").text
    assert api(app.test_client(), plain).status_code == 200


def test_participants_do_not_get_tokens(login, people):
    client = login(people.participant)
    assert "API tokens" not in client.get("/account").text
    assert client.get("/account/tokens/new").status_code == 403
    assert client.post("/account/tokens/new", data={"name": "mine", "lifetime": "90"}).status_code == 403
    assert db.session.scalar(select(ApiToken)) is None
