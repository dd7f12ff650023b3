"""WCAG 2.1 AA on the pages officials use, in English and in Arabic: axe-core finds no serious or
critical violation; the page speaks its language and direction; keyboard users can skip to the content;
the registration form works on a 360 px phone in Arabic."""
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.pages import LoginPage

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
LANGUAGES = ("en", "ar")
PUBLIC_PAGES = ("/", "/sessions/2", "/sessions/2/register", "/login")
#: demo account, and the pages it works in
PRIVATE_PAGES = (
    ("ahmed.alrubaie@example.org", ("/account", "/account/profile")),
    ("officer@example.org", (
        "/officer/trainings/1/registrations", "/officer", "/officer/trainings/1", "/officer/trainings/1/attendance",
        "/officer/trainings/1/attendance/days/1", "/officer/trainings/1/recommendations", "/officer/trainings/1/certificates",
        "/officer/trainings/2/check-in", "/officer/trainings/2/check-in/projector", "/officer/trainings/1/payment-sheet",
    )),
    ("manager@example.org", ("/dashboard", "/account", "/account/tokens/new")),
    ("admin@example.org", ("/admin/users", "/admin/users/new", "/admin/users/2", "/admin/users/2/role",
                           "/admin/users/2/deactivate")),
)


@pytest.fixture
def page(page):
    """The harness's page with axe-core loaded into every document (as an init script, which the
    Content-Security-Policy does not block, unlike an injected <script>)."""
    page.add_init_script(path=str(AXE))
    return page


@pytest.fixture
def phone_page(phone_page):
    phone_page.add_init_script(path=str(AXE))
    return phone_page


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core on the current page; the violations of the given impacts, one line per element."""
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']} {node.get('failureSummary', '')}"
        for v in result["violations"]
        if v["impact"] in impacts
        for node in v["nodes"]
    ]


def assert_accessible(page, lang):
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    title = page.title()
    assert title and not title.startswith("·"), f"{page.url}: page title {title!r}"
    violations = axe_violations(page)
    assert not violations, "\n".join([page.url, *violations])


def log_in(page, email, password):
    LoginPage(page).open().log_in(email, password)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_serious_accessibility_violation(page, path, lang):
    page.goto(f"{path}?lang={lang}")
    assert_accessible(page, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("email,paths", PRIVATE_PAGES)
def test_pages_behind_log_in_have_no_serious_accessibility_violation(page, live_server, email, paths, lang):
    log_in(page, email, live_server.password)
    for path in paths:
        page.goto(f"{path}?lang={lang}")
        assert page.url.split("?")[0].endswith(path)
        assert_accessible(page, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_registration_errors_are_announced_and_linked_to_their_fields(page, lang):
    page.goto(f"/sessions/2/register?lang={lang}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 1
    first = invalid.first
    described = first.get_attribute("aria-describedby") or ""
    assert any(page.locator(f"#{id_}").count() for id_ in described.split()), "error not linked to its field"
    # every link of the summary leads to a field that exists on the page
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, href
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == summary.locator("a").first.get_attribute("href")[1:]
    assert_accessible(page, lang)


FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName, id: e.id, text: e.textContent.trim().slice(0, 30), outline: s.outlineStyle}; }"""


def test_keyboard_users_can_skip_to_the_content_and_see_the_focus(page):
    page.goto("/sessions/2/register?lang=ar")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # every link, button and field of the page, reached by Tab alone, shows where the focus is
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"] == "solid", f"no visible focus on {focused}"
        reached.append(focused["id"])
        if focused["tag"] == "BUTTON":
            break
    assert "name" in reached and "email" in reached and "consent" in reached


def test_the_language_switch_keeps_the_page_and_turns_it_right_to_left(page):
    page.goto("/sessions/2?lang=en")
    page.get_by_role("link", name="العربية").click()
    page.wait_for_url("**/sessions/2?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/sessions/2?lang=en")
    assert page.locator("html").get_attribute("dir") == "ltr"


def test_registration_journey_in_arabic_fits_a_phone(phone_page):
    page = phone_page
    for path in ("/", "/sessions/2", "/sessions/2/register"):
        page.goto(f"{path}?lang=ar")
        assert page.locator("html").get_attribute("dir") == "rtl"
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360 px"
    # labels start on the right in Arabic
    label = page.locator("main form label").first
    box, main = label.bounding_box(), page.locator("main").bounding_box()
    assert main["x"] + main["width"] - (box["x"] + box["width"]) < 40
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "registration-form-ar-360px.png"), full_page=True)
    assert_accessible(page, "ar")


def test_officer_screens_fit_a_phone_in_both_languages(phone_page, live_server):
    page = phone_page
    page.goto("/login?lang=en")
    page.locator("#email").fill("officer@example.org")
    page.locator("#password").fill(live_server.password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    for path in ("/officer/trainings/1/registrations", "/officer/trainings/1/attendance", "/officer/trainings/1/attendance/days/1"):
        for lang in LANGUAGES:
            page.goto(f"{path}?lang={lang}")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path}?lang={lang} scrolls sideways by {overflow}px at 360 px (wide tables scroll on their own)"


def test_a_new_official_registers_in_arabic_on_a_phone_and_gets_the_e_mail_in_arabic(phone_page, live_server):
    page = phone_page
    page.goto("/?lang=en")
    page.get_by_role("link", name="العربية").click()
    page.wait_for_url("**/?lang=ar")
    page.locator("main a[href='/sessions/2']").first.click()
    page.wait_for_url("**/sessions/2")
    page.locator("main a[href='/sessions/2/register']").first.click()
    page.wait_for_url("**/sessions/2/register")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_label("الاسم الكامل بالحروف اللاتينية").fill("Layla Hassan Al-Saadi")
    page.get_by_label("الاسم الكامل بالحروف العربية").fill("ليلى حسن الساعدي")
    page.get_by_label("أنثى").check()
    page.get_by_label("الجهة", exact=True).select_option(index=1)
    page.get_by_label("البريد الإلكتروني").fill("layla.alsaadi@example.org")
    page.locator("#consent").check()
    with page.expect_navigation():
        page.get_by_role("button", name="التسجيل").click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "layla.alsaadi@example.org" in page.locator("main").inner_text()
    assert page.locator("#error-summary").count() == 0

    def received():
        return {m["Subject"]: m for m in live_server.mail.messages if m["To"] == "layla.alsaadi@example.org"}

    for _ in range(50):  # the registration's message, and the link to choose a password
        if len(received()) >= 2:
            break
        page.wait_for_timeout(200)
    messages = received()
    assert len(messages) == 2, list(messages)
    for subject, message in messages.items():
        assert message["Content-Language"] == "ar"
        assert "ليلى حسن الساعدي" in message.get_body(("plain",)).get_content()
    confirmed = next(m for subject, m in messages.items() if "تأكد مقعدك" in subject)
    assert "كانون الثاني" in confirmed.get_body(("plain",)).get_content()  # the dates, Iraqi month names
