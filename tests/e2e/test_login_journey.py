"""Each role logs in through the form and lands on its own home page."""
import pytest

from tests.e2e.pages import LoginPage

HOMES = [
    ("admin@example.org", "/admin/users"),
    ("officer@example.org", "/officer"),
    ("manager@example.org", "/dashboard"),
    ("ahmed.alrubaie@example.org", "/account"),
]


@pytest.mark.parametrize("email,home", HOMES)
def test_each_role_lands_on_its_home_page(page, live_server, email, home):
    LoginPage(page).open().log_in(email, live_server.password)
    page.wait_for_url(f"**{home}")
    assert page.url == live_server.url + home
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/")


def test_wrong_password_shows_a_generic_message_and_keeps_the_email(page, live_server):
    login = LoginPage(page).open().log_in("officer@example.org", "not-the-password")
    assert login.expect_error()
    assert page.get_by_label("Email").input_value() == "officer@example.org"
    assert page.url == live_server.url + "/login"
