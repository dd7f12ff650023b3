"""The page cache is invalidated by what changed, and is shared through Redis by every worker and app server.

A log-in, a language switch, an API token's use or an outbox update leaves the public pages in the cache (they
are cold exactly during a registration rush otherwise); a registration shows at once. With Redis, a page drawn
by one server is served by another and by a worker started later (gunicorn recycles its workers); with Redis
gone, pages still answer, drawn afresh.
"""
import pytest

from tests.conftest import free_port, make_test_config
from tests.factories import PASSWORD, RegistrationFactory, TrainingSessionFactory
from training_mgr import create_app
from training_mgr.auth import services as auth
from training_mgr.core import pagecache
from training_mgr.core.pagecache import data_state
from training_mgr.extensions import db
from training_mgr.mail import services as mail


def _training():
    training = TrainingSessionFactory(status="open", capacity=5, title="Border rights")
    db.session.commit()
    return training


def _from_cache(client, url, count_queries):
    """(page text, whether it was served from the cache): a kept page costs one query, the tables' versions."""
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return response.text, len(statements) == 1


def _log_in_client(client, user):
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def _log_in(app, people, token):
    _log_in_client(app.test_client(), people.officer)


def _use_a_token(app, people, token):
    answer = app.test_client().get("/api/v1/sessions", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def _switch_language(app, people, token):
    for user in (people.officer, people.participant):
        assert _log_in_client(app.test_client(), user).get("/account?lang=ar").status_code == 200


def _update_the_outbox(app, people, token):
    mail.queue_email(people.officer.email, "test", "Hello", "Hello")
    db.session.commit()
    mail.send_pending()


@pytest.mark.parametrize("action", [_log_in, _use_a_token, _switch_language, _update_the_outbox],
                         ids=["log-in", "api-token-use", "language-switch", "outbox-update"])
def test_writes_that_no_public_page_shows_leave_the_public_pages_cached(app, client, people, count_queries, action):
    training = _training()
    _, token = auth.create_api_token(people.officer, "Dashboard")
    pages = ["/", f"/sessions/{training.id}"]
    for url in pages:
        client.get(url)
    assert all(_from_cache(client, url, count_queries)[1] for url in pages)

    before = data_state()
    action(app, people, token)
    assert data_state() != before  # the action did write to the database …
    for url in pages:  # … and the public pages are still served from the cache
        text, cached = _from_cache(client, url, count_queries)
        assert cached and "Border rights" in text


def test_a_registration_shows_at_once_on_the_public_pages(app, client, count_queries):
    training = _training()
    assert "5 seats left" in client.get(f"/sessions/{training.id}").text
    RegistrationFactory(training=training, status="confirmed")
    db.session.commit()
    text, cached = _from_cache(client, f"/sessions/{training.id}", count_queries)
    assert not cached and "4 seats left" in text


def test_a_change_to_a_user_shows_on_the_pages_that_name_users(app, people, login):
    officer = login(people.officer)
    url = f"/officer/trainings/{people.training.id}/registrations"
    assert "Renamed Officer" not in officer.get(url).text
    people.officer.name = "Renamed Officer"
    db.session.commit()
    assert "Renamed Officer" in officer.get(url).text


def test_a_delete_makes_pages_of_the_rows_it_cascades_to_stale():
    tables = pagecache._Tables(db.metadata)
    assert {"training_sessions", "registrations", "session_days"} <= tables.written_by("DELETE FROM training_sessions WHERE id = 1")
    assert tables.written_by("UPDATE users SET last_login_at = now()") == {"users"}
    assert tables.written_by("WITH x AS (SELECT 1) SELECT 1") == {pagecache.ANY_TABLE}


# --- shared in Redis ------------------------------------------------------------------------------

@pytest.fixture
def servers(new_database_url, redis_url):
    """Two apps on one database and one Redis, as two app servers (or a worker and its replacement) are."""
    apps = [create_app(make_test_config(new_database_url, REDIS_URL=redis_url)) for _ in range(2)]
    with apps[0].app_context():
        db.create_all()
    yield apps
    for each in apps:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


def _get(app, url):
    with app.app_context():
        from sqlalchemy import event

        statements = []
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = app.test_client().get(url)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        db.session.remove()
        return response, len(statements) == 1


def test_a_page_drawn_by_one_server_is_served_by_the_other_and_by_a_new_worker(servers, new_database_url, redis_url):
    first, second = servers
    with first.app_context():
        training = _training()
        url = f"/sessions/{training.id}"
    drawn, cached = _get(first, url)
    assert not cached and "5 seats left" in drawn.text
    served, cached = _get(second, url)
    assert cached and served.text == drawn.text

    # a worker recycled by gunicorn is a new process with an empty memory: the page is still there
    recycled = create_app(make_test_config(new_database_url, REDIS_URL=redis_url))
    assert _get(recycled, url)[1]

    with second.app_context():  # a registration through the second server shows on the first at once
        RegistrationFactory(training=db.session.get(type(training), training.id), status="confirmed")
        db.session.commit()
    again, cached = _get(first, url)
    assert not cached and "4 seats left" in again.text
    with recycled.app_context():
        db.engine.dispose()


def test_with_redis_down_pages_still_answer_drawn_afresh(new_database_url, caplog):
    app = create_app(make_test_config(new_database_url, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"))
    with app.app_context():
        db.create_all()
        training = _training()
        url = f"/sessions/{training.id}"
    for _ in range(3):
        response, cached = _get(app, url)
        assert response.status_code == 200 and "5 seats left" in response.text and not cached
    assert "page cache unavailable" in caplog.text
    assert caplog.text.count("page cache unavailable") == 1  # tried again only after a pause, not per request
    with app.app_context():
        db.engine.dispose()


def test_an_officers_list_drawn_by_one_server_is_served_by_the_other(servers):
    from flask_login import FlaskLoginClient

    from tests.factories import UserFactory

    first, second = servers
    with first.app_context():
        officer = UserFactory(role="officer")
        training = TrainingSessionFactory(officers=[officer])
        for _ in range(3):
            RegistrationFactory(training=training)
        db.session.commit()
        url, officer_id = f"/officer/trainings/{training.id}/registrations", officer.id

    def get(app):
        from sqlalchemy import event

        app.test_client_class = FlaskLoginClient
        with app.app_context():
            user = db.session.get(type(officer), officer_id)
            statements = []
            listener = lambda *a: statements.append(a[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                response = app.test_client(user=user).get(url)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            db.session.remove()
            return response, statements

    drawn, _ = get(first)
    served, statements = get(second)
    import re

    def without_token(page):  # each browser session gets its own form token in the kept page
        return re.sub(r'value="[^"]*\.[^"]*\.[^"]*"', "", page)

    assert served.status_code == 200 and without_token(served.text) == without_token(drawn.text)
    assert len(statements) <= 2, statements  # who the user is, and the tables' versions
