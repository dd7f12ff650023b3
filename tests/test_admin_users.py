"""Admins manage accounts in the web: list (search, filters, sort, pages), create or invite, change the role,
deactivate and reactivate, force a password reset. Every change is audit-logged and confirmed first where it
takes something away; an admin cannot lock themselves (or everyone) out."""
import re

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, UserFactory
from training_mgr.audit.models import AuditEntry
from training_mgr.auth import admin as user_admin
from training_mgr.auth.models import ApiToken, User
from training_mgr.auth.services import AccountError, create_api_token
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail

NEW_PASSWORD = "a brand new passphrase"


def use_smtp(app, smtp_server):
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_DEFAULT_SENDER="trainings@example.org")


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def can_log_in(app, email, password):
    response = app.test_client().post("/login", data={"email": email, "password": password})
    return response.status_code == 302


def audit_actions(user):
    return [(e.action, e.user_id) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "User", AuditEntry.object_id == user.id).order_by(AuditEntry.id)
    )]


def bearer(app, plain):
    return app.test_client().get("/api/v1/sessions", headers={"Authorization": f"Bearer {plain}"})


@pytest.fixture
def admin_client(login, people):
    return login(people.admin)


# --- the list -----------------------------------------------------------------------------------

def emails_listed(html):
    return re.findall(r'<a href="/admin/users/\d+"><bdi>([^<]+)</bdi></a>', html)


def test_the_list_searches_filters_and_sorts(admin_client, people):
    UserFactory(email="layla.hassan@example.org", name="Layla Hassan", role="manager")
    UserFactory(email="omar@example.org", name="Omar Hassan", role="officer", active=False)

    assert emails_listed(admin_client.get("/admin/users?q=HASSAN").text) == ["layla.hassan@example.org", "omar@example.org"]
    assert emails_listed(admin_client.get("/admin/users?q=hassan&role=officer").text) == ["omar@example.org"]
    assert emails_listed(admin_client.get("/admin/users?q=hassan&state=active").text) == ["layla.hassan@example.org"]
    assert emails_listed(admin_client.get("/admin/users?q=%25").text) == []  # a wildcard is searched for as typed

    by_email = emails_listed(admin_client.get("/admin/users").text)
    assert by_email == sorted(by_email)
    descending = admin_client.get("/admin/users?sort=-email").text
    assert emails_listed(descending) == sorted(by_email, reverse=True)
    assert 'aria-sort="descending"' in descending
    by_role = emails_listed(admin_client.get("/admin/users?sort=role").text)
    roles = [db.session.scalar(select(User.role).where(User.email == e)) for e in by_role]
    assert roles == sorted(roles)


def test_the_list_comes_in_pages_that_keep_the_search(admin_client, people):
    for n in range(user_admin.PER_PAGE + 5):
        UserFactory(email=f"trainee{n:03d}@example.org")
    first = admin_client.get("/admin/users?q=trainee")
    assert len(emails_listed(first.text)) == user_admin.PER_PAGE
    assert "55 accounts" in first.text
    assert "q=trainee&amp;page=2" in first.text
    second = admin_client.get("/admin/users?q=trainee&page=2")
    assert emails_listed(second.text) == [f"trainee{n:03d}@example.org" for n in range(50, 55)]


# --- creating and inviting ------------------------------------------------------------------------

def test_an_admin_creates_an_account_with_a_password(app, admin_client, people):
    response = admin_client.post("/admin/users/new", data={
        "email": " New.Officer@Example.org", "name": "Nadia Karim", "role": "officer", "how": "password",
        "password": NEW_PASSWORD,
    }, follow_redirects=True)
    assert "The account new.officer@example.org is created." in response.text
    user = db.session.scalar(select(User).where(User.email == "new.officer@example.org"))
    assert user.role == "officer" and user.name == "Nadia Karim" and user.active
    assert can_log_in(app, "new.officer@example.org", NEW_PASSWORD)
    assert audit_actions(user) == [("user.create", people.admin.id)]
    assert db.session.scalar(select(OutboundEmail)) is None  # nothing mailed: the admin tells them


@pytest.mark.parametrize("data, error", [
    ({"email": "officer@example.org", "role": "officer", "how": "invite"}, "already exists"),
    ({"email": "not-an-address", "role": "officer", "how": "invite"}, "Invalid email address"),
    ({"email": "x@example.org", "role": "officer", "how": "password", "password": ""}, "Type the password, or choose to e-mail an invitation."),
    ({"email": "x@example.org", "role": "officer", "how": "password", "password": "password123"}, "most common"),
    ({"email": "x@example.org", "role": "emperor", "how": "invite"}, "Not a valid choice"),
])
def test_a_refused_account_form_comes_back_with_the_error_and_what_was_typed(admin_client, people, data, error):
    before = db.session.query(User).count()
    response = admin_client.post("/admin/users/new", data=data)
    assert response.status_code == 200
    assert error in response.text
    assert f'value="{data["email"]}"' in response.text
    assert db.session.query(User).count() == before


def test_an_invitation_mails_a_set_password_link_from_the_public_address(app, smtp_server, admin_client, people):
    use_smtp(app, smtp_server)
    app.config["PUBLIC_BASE_URL"] = "https://training.example.org"
    response = admin_client.post("/admin/users/new", data={
        "email": "invited@example.org", "role": "manager", "how": "invite",
    }, follow_redirects=True)
    assert "an invitation to choose a password is on its way" in response.text
    user = db.session.scalar(select(User).where(User.email == "invited@example.org"))
    assert user.password_hash is None and not can_log_in(app, user.email, "")

    [message] = smtp_server.messages
    assert message["To"] == "invited@example.org"
    assert message["Subject"] == "Your account is ready: choose your password"
    body = text_of(message)
    assert "An administrator has made an account for you" in body
    link = re.search(r"https://training\.example\.org(/password/set/\S+)", body).group(1)

    client = app.test_client()
    assert "invited@example.org" in client.get(link).text
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert can_log_in(app, "invited@example.org", NEW_PASSWORD)
    assert audit_actions(user)[0] == ("user.create", people.admin.id)


def test_an_invitation_can_be_sent_again_and_the_old_link_dies(app, admin_client, people):
    admin_client.post("/admin/users/new", data={"email": "slow@example.org", "role": "officer", "how": "invite"})
    user = db.session.scalar(select(User).where(User.email == "slow@example.org"))
    first = db.session.scalar(select(OutboundEmail.body_text).where(OutboundEmail.kind == "password.invite"))
    first_link = re.search(r"http://localhost(/password/set/\S+)", first).group(1)

    page = admin_client.get(f"/admin/users/{user.id}").text
    assert "Send the invitation again" in page
    response = admin_client.post(f"/admin/users/{user.id}/invite", follow_redirects=True)
    assert "A new invitation" in response.text
    assert db.session.query(OutboundEmail).filter_by(kind="password.invite").count() == 2
    assert app.test_client().get(first_link).status_code == 404
    assert audit_actions(user) == [("user.create", people.admin.id), ("user.invite", people.admin.id)]

    # someone who has a password is not invited: they get a forced reset if anything
    refused = admin_client.post(f"/admin/users/{people.officer.id}/invite", follow_redirects=True)
    assert "already has a password" in refused.text


# --- roles ----------------------------------------------------------------------------------------

def test_changing_a_role_asks_first_then_applies_at_once(app, login, admin_client, people):
    officer_browser = login(people.officer)
    assert officer_browser.get("/officer").status_code == 200

    confirm = admin_client.get(f"/admin/users/{people.officer.id}/role")
    assert confirm.status_code == 200
    assert "Change the role of officer@example.org?" in confirm.text  # the browser asks before sending
    assert db.session.get(User, people.officer.id).role == "officer"  # opening the page changes nothing

    response = admin_client.post(f"/admin/users/{people.officer.id}/role", data={"role": "manager"}, follow_redirects=True)
    assert "officer@example.org is now: Manager." in response.text
    assert db.session.get(User, people.officer.id).role == "manager"
    assert officer_browser.get("/officer").status_code == 403  # the next page already uses the new role
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.role_change")).all()
    assert entry.user_id == people.admin.id and entry.changes == {"role": ["officer", "manager"]}


def test_leaving_the_staff_roles_revokes_api_tokens(app, admin_client, people):
    _, plain = create_api_token(people.manager, "dashboard")
    assert bearer(app, plain).status_code == 200
    admin_client.post(f"/admin/users/{people.manager.id}/role", data={"role": "participant"})
    assert bearer(app, plain).status_code == 401
    assert db.session.scalar(select(ApiToken)).revoked_at is not None


def test_an_admin_cannot_demote_themselves(admin_client, people):
    response = admin_client.post(f"/admin/users/{people.admin.id}/role", data={"role": "officer"})
    assert response.status_code == 200
    assert "You cannot change your own role." in response.text
    assert db.session.get(User, people.admin.id).role == "admin"


def test_the_last_active_admin_keeps_the_role(people):
    """Only reachable by another path than the web (the web refuses one's own account first): the rule holds anyway."""
    gone = UserFactory(role="admin", active=False)
    with pytest.raises(AccountError, match="At least one active admin must remain"):
        user_admin.change_role(gone, people.admin, "officer")
    with pytest.raises(AccountError, match="At least one active admin must remain"):
        user_admin.deactivate(gone, people.admin)
    assert db.session.get(User, people.admin.id).role == "admin" and people.admin.active
    # with a second active admin, one may demote the other
    second = UserFactory(role="admin")
    assert user_admin.change_role(second, people.admin, "officer")


# --- deactivation and reactivation ------------------------------------------------------------

def test_deactivation_asks_first_then_locks_out_and_revokes_tokens(app, admin_client, people):
    _, plain = create_api_token(people.officer, "script")

    confirm = admin_client.get(f"/admin/users/{people.officer.id}/deactivate")
    assert confirm.status_code == 200 and "logged out everywhere at once" in confirm.text
    assert db.session.get(User, people.officer.id).active  # asking is not doing

    response = admin_client.post(f"/admin/users/{people.officer.id}/deactivate", follow_redirects=True)
    assert "is deactivated: logged out everywhere, API tokens revoked." in response.text
    assert not db.session.get(User, people.officer.id).active
    assert bearer(app, plain).status_code == 401
    assert not can_log_in(app, people.officer.email, PASSWORD)
    assert ("user.deactivate", people.admin.id) in audit_actions(people.officer)

    response = admin_client.post(f"/admin/users/{people.officer.id}/reactivate", follow_redirects=True)
    assert "is active again" in response.text
    assert can_log_in(app, people.officer.email, PASSWORD)
    assert bearer(app, plain).status_code == 401  # revoked tokens stay revoked
    assert audit_actions(people.officer)[-1] == ("user.reactivate", people.admin.id)


def test_a_deactivated_accounts_token_is_refused_even_if_not_revoked(app, people):
    """Deactivated behind the services' back: the bearer loader checks the account too."""
    _, plain = create_api_token(people.officer, "script")
    people.officer.active = False
    db.session.commit()
    assert bearer(app, plain).status_code == 401


def test_an_admin_cannot_deactivate_themselves(admin_client, people):
    page = admin_client.get(f"/admin/users/{people.admin.id}").text
    assert "/deactivate" not in page and "This is your own account." in page
    response = admin_client.post(f"/admin/users/{people.admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.text
    assert db.session.get(User, people.admin.id).active


def test_unknown_accounts_are_404(admin_client):
    for url in ("/admin/users/999999", "/admin/users/999999/role", "/admin/users/999999/deactivate"):
        assert admin_client.get(url).status_code == 404
    assert admin_client.post("/admin/users/999999/reactivate").status_code == 404


# --- forced password reset ----------------------------------------------------------------------

def test_a_forced_reset_clears_the_password_and_mails_a_link(app, smtp_server, admin_client, people):
    use_smtp(app, smtp_server)
    confirm = admin_client.get(f"/admin/users/{people.officer.id}/reset-password")
    assert confirm.status_code == 200 and "stops working now" in confirm.text

    response = admin_client.post(f"/admin/users/{people.officer.id}/reset-password", follow_redirects=True)
    assert "is cleared and a link to choose a new one is on its way" in response.text
    assert not can_log_in(app, people.officer.email, PASSWORD)

    [message] = smtp_server.messages
    assert message["To"] == people.officer.email
    body = text_of(message)
    assert "An administrator has reset the password of your account" in body
    link = re.search(r"http://localhost(/password/reset/\S+)", body).group(1)
    app.test_client().post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert can_log_in(app, people.officer.email, NEW_PASSWORD)
    assert ("user.password_reset_forced", people.admin.id) in audit_actions(people.officer)


def test_a_forced_reset_is_refused_for_ones_own_and_for_a_deactivated_account(admin_client, people):
    own = admin_client.post(f"/admin/users/{people.admin.id}/reset-password", follow_redirects=True)
    assert "Change your own password on your account page." in own.text
    people.officer.active = False
    db.session.commit()
    gone = admin_client.post(f"/admin/users/{people.officer.id}/reset-password", follow_redirects=True)
    assert "Reactivate it first." in gone.text
    assert db.session.scalar(select(OutboundEmail)) is None
