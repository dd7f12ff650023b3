"""Security headers, cookies, sessions, reverse proxies and log-in throttling."""
import time

import pytest

from tests.factories import PASSWORD, UserFactory
from training_mgr.extensions import db


def log_in(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_every_page_carries_the_security_headers(client):
    for url in ("/", "/login", "/no-such-page", "/healthz"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert headers["X-Request-Id"]
        # plain HTTP: no HSTS, a browser would pin a site that may not have TLS
        assert "Strict-Transport-Security" not in headers


def test_hsts_is_sent_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def session_cookie(client):
    return client.get_cookie("session")


def test_session_cookie_is_httponly_and_samesite_lax_but_not_secure_over_http(client, people):
    response = log_in(client, people.officer.email)
    set_cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert "Secure" not in set_cookie


@pytest.mark.config(PREFERRED_URL_SCHEME="https")
def test_session_cookie_is_secure_when_configured_for_https(app, client, people):
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = client.post("/login", data={"email": people.officer.email, "password": PASSWORD},
                           base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.config(PREFERRED_URL_SCHEME="https", SESSION_COOKIE_SECURE=False)
def test_an_explicit_cookie_setting_wins_over_the_scheme(app):
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_log_in_starts_a_new_session(client, people):
    with client.session_transaction() as sess:
        sess["planted"] = "by someone else"
        sess["lang"] = "ar"
    before = session_cookie(client).value
    response = log_in(client, people.officer.email)
    assert response.status_code == 302
    assert session_cookie(client).value != before
    with client.session_transaction() as sess:
        assert "planted" not in sess  # nothing carried over from before the log-in …
        assert sess["lang"] == "ar"  # … except the chosen language
        assert sess["_user_id"] == f"{people.officer.id}:{people.officer.session_version}"


def test_changing_the_password_ends_every_other_session(app, people):
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        assert log_in(device, people.officer.email).status_code == 302
        assert device.get("/officer").status_code == 200

    people.officer.set_password("a brand new passphrase")
    db.session.commit()

    for device in (phone, laptop):
        response = device.get("/officer")
        assert response.status_code == 302 and "/login" in response.location
    assert log_in(phone, people.officer.email, "a brand new passphrase").status_code == 302
    assert phone.get("/officer").status_code == 200


def add_address_echo(app):
    from flask import request

    app.add_url_rule("/address-for-test", "address_for_test", lambda: request.remote_addr)


@pytest.mark.config(PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_scheme_and_client_address_are_used(app, client):
    add_address_echo(app)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    response = client.get("/address-for-test", headers=forwarded)
    assert response.text == "203.0.113.7"  # the hop our proxy saw, not what the client claimed before it
    assert "Strict-Transport-Security" in response.headers


def test_without_a_proxy_forwarded_headers_are_ignored(app, client):
    add_address_echo(app)
    response = client.get("/address-for-test", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
    assert response.text == "127.0.0.1"
    assert "Strict-Transport-Security" not in response.headers


# --- throttling -------------------------------------------------------------------------------


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_guessing_a_password_is_stopped_with_a_translated_429(client, people):
    statuses = [log_in(client, people.officer.email, f"guess-{n}").status_code for n in range(30)]
    assert statuses[:10] == [200] * 10  # the form comes back with "Wrong e-mail or password"
    assert set(statuses[10:]) == {429}
    # even the right password waits now: the attacker cannot tell a hit from a miss
    assert log_in(client, people.officer.email).status_code == 429

    arabic = client.post("/login?lang=ar", data={"email": people.officer.email, "password": "x"})
    assert arabic.status_code == 429
    assert 'dir="rtl"' in arabic.text and "محاولات كثيرة جدًا" in arabic.text


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_the_limit_is_per_email_and_successes_do_not_count(app, people):
    attacker = app.test_client()
    for n in range(12):
        log_in(attacker, people.officer.email, f"guess-{n}")
    assert log_in(attacker, people.officer.email).status_code == 429
    # another account from the same address is still usable
    assert log_in(app.test_client(), people.manager.email).status_code == 302

    # the rightful user logging in and out many times is never held back
    rightful = app.test_client()
    for _ in range(15):
        assert log_in(rightful, people.admin.email).status_code == 302
        rightful.post("/logout")


@pytest.mark.config(RATELIMIT_ENABLED=True, LOGIN_FAILURE_LIMIT_PER_ADDRESS="5 per 15 minutes")
def test_one_address_spraying_many_accounts_is_stopped(client, people):
    statuses = [log_in(client, f"nobody{n}@example.org", "guess").status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_the_block_ends_when_the_window_has_passed(client, people, monkeypatch):
    from training_mgr.extensions import limiter

    for n in range(10):
        log_in(client, people.officer.email, f"guess-{n}")
    assert log_in(client, people.officer.email).status_code == 429

    later = time.time() + 16 * 60
    monkeypatch.setattr(limiter.storage, "clock", lambda: later)  # the counters' store in the database
    assert log_in(client, people.officer.email).status_code == 302


def test_without_rate_limiting_configured_failures_are_never_blocked(client, people):
    statuses = {log_in(client, people.officer.email, f"guess-{n}").status_code for n in range(12)}
    assert statuses == {200}


def test_inactive_users_cannot_log_in(client):
    user = UserFactory(active=False)
    assert log_in(client, user.email).status_code == 200


# --- password policy --------------------------------------------------------------------------


@pytest.mark.parametrize("password, problem", [
    ("short-pw", "at least 10 characters"),
    ("x" * 201, "at most 200 characters"),
    ("1234567890", "most common"),
    ("Password123", "most common"),  # the list is compared case-insensitively
    ("qwertyuiop", "most common"),
    ("ahmed.ali@mofa.gov.iq", "e-mail address"),
    ("river-stone-lantern", None),
    ("نهر الحجر الفانوس", None),  # any script is welcome
])
def test_password_policy(app, password, problem):
    from training_mgr.auth.passwords import password_problem

    found = password_problem(password, email="ahmed.ali@mofa.gov.iq")
    assert found is None if problem is None else problem in found


def test_password_equal_to_the_mailbox_name_is_refused(app):
    from training_mgr.auth.passwords import password_problem

    assert "e-mail" in password_problem("Border.Officer", email="border.officer@example.org")


def test_the_policy_validator_refills_the_form_with_the_problem(app):
    from flask_wtf import FlaskForm
    from wtforms import EmailField, PasswordField

    from training_mgr.auth.passwords import PasswordPolicy

    class SetPasswordForm(FlaskForm):
        email = EmailField()
        password = PasswordField(validators=[PasswordPolicy()])

    with app.test_request_context(method="POST", data={"email": "a.b@example.org", "password": "password1234"}):
        form = SetPasswordForm()
        assert not form.validate()
        assert "most common" in form.password.errors[0]
    with app.test_request_context(method="POST", data={"email": "a.b@example.org", "password": "river-stone-lantern"}):
        assert SetPasswordForm().validate()


def test_the_policy_validator_uses_the_logged_in_users_email(app, people):
    from flask_login import login_user
    from flask_wtf import FlaskForm
    from wtforms import PasswordField

    from training_mgr.auth.passwords import PasswordPolicy

    class ChangePasswordForm(FlaskForm):
        password = PasswordField(validators=[PasswordPolicy()])

    with app.test_request_context(method="POST", data={"password": "officer@example.org"}):
        login_user(people.officer)
        form = ChangePasswordForm()
        assert not form.validate()
        assert "e-mail" in form.password.errors[0]


def test_create_user_refuses_a_weak_password(runner):
    result = runner.invoke(args=["create-user", "new@example.org", "--role", "officer", "--password", "password123"])
    assert result.exit_code != 0
    assert "most common" in result.output
    result = runner.invoke(args=["create-user", "new@example.org", "--role", "officer", "--password", "short"])
    assert "at least 10 characters" in result.output


def test_api_tokens_are_stored_hashed_and_stop_working_when_expired_or_revoked(app, people):
    from datetime import timedelta

    from training_mgr.auth.services import create_api_token, revoke_api_token
    from training_mgr.core.db import utcnow

    token, plain = create_api_token(people.manager, "dashboard")
    assert plain not in (token.token_hash, token.prefix) and len(token.token_hash) == 64
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/sessions", headers=bearer).status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/sessions", headers=bearer).status_code == 401
    token.expires_at = None
    revoke_api_token(token)
    assert client.get("/api/v1/sessions", headers=bearer).status_code == 401
    # a bearer token opens the API only, never the HTML pages
    token.revoked_at = None
    db.session.commit()
    assert client.get("/dashboard", headers=bearer).status_code == 302


# --- uploads ----------------------------------------------------------------------------------


@pytest.mark.config(MAX_CONTENT_LENGTH=64 * 1024)
def test_a_request_larger_than_allowed_gets_a_friendly_413_before_parsing(client, people):
    response = client.post("/login", data={"email": people.officer.email, "password": "x" * (100 * 1024)})
    assert response.status_code == 413
    assert "File too large" in response.text


def xlsx_bomb(rows: int) -> bytes:
    """A valid XLSX of a few hundred kilobytes whose sheet unpacks to ``rows`` rows."""
    import io
    import re
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["name", "sex", "organisation", "email"])
    plain = io.BytesIO()
    workbook.save(plain)
    original = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for item in original.infolist():
            content = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"<dimension[^>]*/>", b"", content)
                row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
                content = content.replace(b"</sheetData>", row * rows + b"</sheetData>")
            archive.writestr(item, content)
    return bomb.getvalue()


def test_a_zip_bomb_spreadsheet_is_refused_without_reading_it(people, login):
    import io

    bomb = xlsx_bomb(1_000_000)
    assert len(bomb) < 300 * 1024  # well under the upload limit: the size check alone would let it in
    started = time.monotonic()
    response = login(people.officer).post(
        f"/officer/trainings/{people.training.id}/registrations/import",
        data={"file": (io.BytesIO(bomb), "nominations.xlsx")}, content_type="multipart/form-data",
    )
    assert time.monotonic() - started < 5
    assert response.status_code == 422
    assert "too large once unpacked" in response.text


def test_a_spreadsheet_with_endless_rows_is_refused(app):
    from training_mgr.registrations.importing import MAX_IMPORT_ROWS, NominationImportError, read_rows

    with pytest.raises(NominationImportError, match=f"at most {MAX_IMPORT_ROWS} rows"):
        read_rows("xlsx", xlsx_bomb(11 * MAX_IMPORT_ROWS))


# --- faults -----------------------------------------------------------------------------------


def test_a_crash_half_way_through_a_write_keeps_nothing_and_logs_the_request_id(app, client, caplog):
    from sqlalchemy import func, select

    from training_mgr.organisations.models import Organisation

    @app.post("/half-done-for-test")
    def half_done():
        db.session.add(Organisation(name="Half-written Ministry", kind="ministry", country="IQ"))
        db.session.flush()  # the row is in the transaction …
        raise RuntimeError("… and then the disk was full")

    response = client.post("/half-done-for-test", headers={"X-Request-Id": "req-7f3a"})
    assert response.status_code == 500
    assert "req-7f3a" in response.text and "Nothing you sent was saved" in response.text
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    assert any("req-7f3a" in record.getMessage() and record.exc_info for record in caplog.records)
    # the next request works normally
    assert client.get("/healthz").status_code == 200


def test_web_templates_have_no_inline_script_for_the_csp_to_block():
    """The CSP allows scripts from our own files only: inline code or handlers would silently not run."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    offending = []
    for path in templates.rglob("*.html"):
        if path.parts[-2] in ("mail", "pdf"):  # e-mails and PDFs are not served under the CSP
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
            offending.append(str(path.relative_to(templates)))
    assert not offending, f"Inline script in {offending}: move it to static/js/"


def test_web_templates_have_no_inline_style_for_the_csp_to_block():
    """The CSP allows styles from our own files only (``style-src 'self'``): a style attribute is silently ignored."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    offending = [str(path.relative_to(templates)) for path in templates.rglob("*.html")
                 if path.parts[-2] not in ("mail", "pdf")  # e-mails and PDFs are not served under the CSP
                 and re.search(r"\sstyle\s*=|<style[\s>]", path.read_text(encoding="utf-8"))]
    assert not offending, f"Inline style in {offending}: use a class in static/css/app.css"


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_password_reset_requests_are_limited_per_address_and_per_email(app, people):
    statuses = [app.test_client().post("/password/forgot", data={"email": people.officer.email}).status_code
                for _ in range(4)]
    assert statuses == [302] * 3 + [429]  # three links an hour for one account is plenty
    # another account is not held back by it
    assert app.test_client().post("/password/forgot", data={"email": people.manager.email}).status_code == 302


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_guessing_the_current_password_on_the_change_form_is_throttled(login, people):
    client = login(people.participant)
    form = {"current_password": "guess", "password": "river-stone-lantern", "confirm": "river-stone-lantern"}
    statuses = [client.post("/account/password", data=form).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


@pytest.mark.parametrize("path", [
    "/sessions/99999999999999999999",
    "/sessions/2147483648/register",
    "/officer/trainings/99999999999999999999/attendance",
    "/verify/99999999999999999999",
])
def test_an_id_too_large_for_the_database_is_not_found_rather_than_a_server_error(client, people, login, path):
    login(people.officer)
    assert client.get(path).status_code == 404
