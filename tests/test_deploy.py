"""check-deploy: the production checklist fails on every unsafe setting and passes a sound one."""
import re
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade

from tests.conftest import make_test_config
from training_mgr import create_app
from training_mgr.extensions import db

SOUND = {
    "TESTING": False,
    "SECRET_KEY": "9f2c1e8a7b6d5c4f3e2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c",
    "WEB_CONCURRENCY": 1,
    "MAIL_SERVER": "smtp.agency.example",
    "MAIL_DEFAULT_SENDER": "trainings@agency.example",
    "PREFERRED_URL_SCHEME": "https",
    "PROXY_COUNT": 1,
    "PUBLIC_BASE_URL": "https://trainings.agency.example",
    "RATELIMIT_ENABLED": True,
}


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('deploy') / 'deploy.sqlite'}"
    app = create_app(make_test_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def check_deploy(database_url, **settings):
    app = create_app(make_test_config(database_url, **{**SOUND, **settings}))
    result = app.test_cli_runner().invoke(args=["check-deploy"])
    with app.app_context():
        db.engine.dispose()
    return result


def test_a_sound_configuration_passes(migrated_database):
    result = check_deploy(migrated_database)
    assert result.exit_code == 0, result.output
    assert "[FAIL]" not in result.output
    assert "Ready for production." in result.output
    # SQLite with a single worker is allowed, with a word of advice
    assert "[WARN] Database: SQLite with one worker" in result.output
    # unset, the trusted hosts are the loopback names and the public address's host
    assert "[PASS] Trusted hosts: requests for localhost, 127.0.0.1, trainings.agency.example are answered"\
        in result.output


@pytest.mark.parametrize("settings, complaint", [
    ({"SECRET_KEY": None}, "Secret key: generated automatically"),
    ({"SECRET_KEY": "dev"}, "Secret key: a well-known or short value"),
    ({"SECRET_KEY": "short-but-not-default"}, "Secret key: a well-known or short value"),
    ({"DEBUG": True}, "Debug mode: debug or testing mode is on"),
    ({"WEB_CONCURRENCY": 4}, "SQLite with 4 worker processes"),
    ({"MAIL_SERVER": None}, "E-mail: no mail server"),
    ({"MAIL_DEFAULT_SENDER": "training-mgr@localhost"}, "cannot receive replies"),
    ({"PREFERRED_URL_SCHEME": "http"}, "HTTPS: the app is not configured for HTTPS"),
    ({"SESSION_COOKIE_SECURE": False}, "log-in cookies are not marked Secure"),
    ({"PUBLIC_BASE_URL": "http://127.0.0.1:5000"}, "QR codes and e-mail links would point there"),
    ({"PUBLIC_BASE_URL": None}, "Public address: PUBLIC_BASE_URL is ''"),
    ({"PUBLIC_BASE_URL": "https://"}, "Public address: PUBLIC_BASE_URL is 'https://'"),
    ({"TRUSTED_HOSTS": "intranet.agency.example, localhost"}, "the public address trainings.agency.example would answer 400"),
    ({"RATELIMIT_ENABLED": False}, "rate limiting is switched off"),
    ({"WEB_CONCURRENCY": 2, "RATELIMIT_STORAGE_URI": "memory://"}, "counters kept in memory by each of 2 workers"),
])
def test_each_unsafe_setting_fails_and_says_what_to_do(migrated_database, monkeypatch, tmp_path, settings, complaint):
    if "SECRET_KEY" in settings and settings["SECRET_KEY"] is None:
        # the generated key lives in instance/; keep the real one untouched
        monkeypatch.setattr("training_mgr.config._instance_secret_key", lambda instance: "generated-" + "x" * 40)
    if settings.get("SQLALCHEMY_DATABASE_URI", "") is None:
        settings = {**settings, "SQLALCHEMY_DATABASE_URI": migrated_database}
    result = check_deploy(migrated_database, **settings)
    assert result.exit_code == 1
    failing = [line for line in result.output.splitlines() if line.startswith("[FAIL]")]
    assert any(complaint in line for line in failing), result.output
    assert "       -> " in result.output  # every failure says what to change


@pytest.mark.parametrize("trusted", [None, "trainings.agency.example, [::1], localhost"])
def test_check_deploy_names_exactly_the_hosts_that_are_answered(migrated_database, trusted):
    app = create_app(make_test_config(migrated_database, **{**SOUND, "TRUSTED_HOSTS": trusted}))
    output = app.test_cli_runner().invoke(args=["check-deploy"]).output
    line = next(line for line in output.splitlines() if "Trusted hosts:" in line)
    answered = re.search(r"requests for (.*?) are answered", line).group(1).split(", ")
    client = app.test_client()
    for host in answered:
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
    assert "[::1]" not in answered
    assert client.get("/healthz", headers={"Host": "[::1]"}).status_code == 400
    if trusted:  # listed, but never matched: said so, without failing the run
        assert line.startswith("[WARN] Trusted hosts:") and "[::1] cannot be matched" in line, output
    with app.app_context():
        db.engine.dispose()


TRANSLATIONS = Path(__file__).resolve().parents[1] / "training_mgr" / "translations"


def test_a_language_offered_without_its_compiled_catalogue_fails(migrated_database, tmp_path):
    """The .mo files are not kept in git: a fresh clone has none until they are compiled, and every Arabic page
    and e-mail then comes out in English."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    folder = tmp_path / "translations" / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "messages.po"
    shutil.copy(TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po", po)
    settings = {"BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "translations")}

    def arabic_log_in_page():
        app = create_app(make_test_config(migrated_database, **{**SOUND, **settings}))
        with app.app_context():
            forget_translations()
            page = app.test_client().get("/login?lang=ar").text
            forget_translations()  # later tests read the real catalogues again
            db.engine.dispose()
        return "تسجيل الدخول" in page

    result = check_deploy(migrated_database, **settings)
    assert result.exit_code == 1 and not arabic_log_in_page()
    assert "[FAIL] Translations: Arabic (ar): no compiled catalogue (messages.mo): its readers would get pages and " \
           "e-mails in English." in result.output
    assert "       -> Compile the catalogues" in result.output

    def compile_catalogue():
        with po.open("rb") as source, po.with_suffix(".mo").open("wb") as compiled:
            write_mo(compiled, read_po(source, locale="ar"), use_fuzzy=False)

    compile_catalogue()
    result = check_deploy(migrated_database, **settings)
    assert "[PASS] Translations: every language offered has its compiled catalogue (English, Arabic)." in result.output
    assert result.exit_code == 0 and arabic_log_in_page(), result.output

    # a translation changed in the .po since the catalogue was compiled
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "تسجيل الدخول"', 'msgstr "دخول"', 1), encoding="utf-8")
    result = check_deploy(migrated_database, **settings)
    assert result.exit_code == 1
    assert "[FAIL] Translations: Arabic (ar): its messages.mo is older than messages.po (1 translated message missing " \
           "or different)" in result.output
    compile_catalogue()
    assert check_deploy(migrated_database, **settings).exit_code == 0


def forget_translations():
    """Empty Flask-Babel's cache of catalogues: one for every app of the process, it would keep the first one read."""
    from training_mgr.extensions import babel

    babel.domain_instance.cache.clear()


def test_demo_data_and_an_old_schema_fail(migrated_database, tmp_path):
    from tests.factories import UserFactory

    app = create_app(make_test_config(migrated_database, **SOUND))
    with app.app_context():
        UserFactory(email="admin@example.org", role="admin")
        result = app.test_cli_runner().invoke(args=["check-deploy"])
        db.session.execute(db.text("DELETE FROM users"))
        db.session.commit()
        db.engine.dispose()
    assert result.exit_code == 1
    assert "[FAIL] Demo data: demo accounts exist (e.g. admin@example.org)" in result.output

    empty = f"sqlite:///{tmp_path / 'never-migrated.sqlite'}"
    result = check_deploy(empty)
    assert result.exit_code == 1
    assert "Run: flask --app training_mgr db upgrade" in result.output


def test_an_unreachable_database_fails(tmp_path):
    result = check_deploy("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert result.exit_code == 1
    assert "[FAIL] Database: cannot connect" in result.output
    assert "secret" not in result.output  # the password is never printed


def test_gunicorn_takes_workers_and_threads_from_the_configuration(monkeypatch):
    import importlib

    monkeypatch.setenv("TRAINING_MGR_WEB_CONCURRENCY", "3")
    monkeypatch.setenv("TRAINING_MGR_WEB_THREADS", "1")
    import training_mgr.gunicorn_conf as conf

    conf = importlib.reload(conf)
    assert (conf.workers, conf.threads, conf.worker_class) == (3, 1, "sync")
    assert conf.timeout and conf.graceful_timeout and conf.accesslog == "-"
    assert "x-request-id" in conf.access_log_format


def test_gunicorn_servers_open_no_shared_control_socket():
    """gunicorn 25.1+ opens a control socket at one path per account (~/.gunicorn/gunicorn.ctl) for every server:
    two servers on one machine would take it from each other. Nothing uses it, so it is off."""
    from gunicorn.config import Config

    import training_mgr.gunicorn_conf as conf

    config = Config()
    for name, value in vars(conf).items():
        if name in config.settings:
            config.set(name, value)
    assert config.control_socket_disable is True


# --- several app servers: nothing may be kept on one machine ---------------------------------------

@pytest.mark.parametrize("settings, complaint", [
    ({"APP_SERVERS": 2}, "the database is an SQLite file on this machine"),
    ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "the database is an SQLite file on this machine"),
    ({"APP_SERVERS": 2, "SECRET_KEY": None}, "the secret key was generated in instance/ on this machine"),
    ({"APP_SERVERS": 2, "RATELIMIT_STORAGE_URI": "memory://"}, "rate-limit counters are kept in each process's memory"),
    ({"APP_SERVERS": 2}, "the page cache is kept in each process's memory"),
    ({"APP_SERVERS": 2, "EXPORT_DIR": "/var/lib/training-mgr/exports"},
     "files are written to the local folder /var/lib/training-mgr/exports (EXPORT_DIR)"),
])
def test_several_servers_fail_on_anything_kept_on_one_machine(migrated_database, monkeypatch, settings, complaint):
    if settings.get("SECRET_KEY", "") is None:
        monkeypatch.setattr("training_mgr.config._instance_secret_key", lambda instance: "generated-" + "x" * 40)
    result = check_deploy(migrated_database, **settings)
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if line.startswith("[FAIL] Several servers"))
    assert complaint in line, result.output


def test_one_server_may_keep_its_state_on_its_own_machine(migrated_database):
    result = check_deploy(migrated_database, APP_SERVERS=1, REDIS_URL=None)
    assert "[PASS] Several servers: one app server" in result.output


def test_several_servers_sharing_postgresql_and_redis_pass(new_database_url):
    if not new_database_url.startswith("postgresql"):
        print("several servers need PostgreSQL: this check runs in the PostgreSQL pass of the suite")
        pytest.skip("several servers need PostgreSQL: this check runs in the PostgreSQL pass of the suite")
    app = create_app(make_test_config(new_database_url, **SOUND))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    result = check_deploy(new_database_url, APP_SERVERS=2, REDIS_URL="redis://127.0.0.1:6379/0")
    assert "[PASS] Several servers: nothing is kept on one machine" in result.output, result.output
