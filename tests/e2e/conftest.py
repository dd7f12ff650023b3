"""Browser journeys: a live server on 127.0.0.1 with the demo data, driven by Playwright in Debian's Chromium.

``live_server`` (one per test module) runs the app in a thread on a fresh database loaded with
``seed-demo``, sending e-mail to a real SMTP server on 127.0.0.1 (``live_server.mail.messages``).
``page`` is a fresh browser context per test whose relative URLs resolve against the live server.
"""
import os
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from tests.conftest import create_empty_database, make_test_config

CHROMIUM = os.environ.get("TRAINING_MGR_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_PASSWORD = "demo-password"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, request, worker_id):
    from flask_migrate import upgrade

    from tests.conftest import start_smtp_server
    from training_mgr import create_app
    from training_mgr.seeds.demo import seed_demo
    from training_mgr.extensions import db

    tmp = tmp_path_factory.mktemp("live")
    module = request.module.__name__.rsplit(".", 1)[-1]
    mail, stop_mail = start_smtp_server()
    app = create_app(make_test_config(
        create_empty_database(f"e2e_{module}_{worker_id}", tmp),
        TESTING=False,
        WTF_CSRF_ENABLED=True,
        MAIL_SERVER=mail.host,
        MAIL_PORT=mail.port,
    ))
    with app.app_context():
        upgrade()
        seed_demo(DEMO_PASSWORD)
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=url, app=app, mail=mail, password=DEMO_PASSWORD)
    finally:
        server.shutdown()
        stop_mail()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; the test command installs it (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    """A new browser context per test (desktop size); use ``phone_page`` for 360 px."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    _keep_screenshot_on_failure(page, request)
    context.close()


@pytest.fixture
def phone_page(browser, live_server, request):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
        device_scale_factor=2, accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    _keep_screenshot_on_failure(page, request)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _keep_screenshot_on_failure(page, request):
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
