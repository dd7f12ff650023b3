"""An official on a phone finds the upcoming training, registers, opens their account from the e-mail, withdraws."""
import re
import time

from tests.e2e.pages import AccountPage, CataloguePage, ChoosePasswordPage
from training_mgr.seeds.demo import FOLLOW_UP_TITLE

EMAIL = "noor.alhashimi@example.org"
PASSWORD = "tigris river at dawn"


def wait_for_mail(mail, to, subject, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.messages:
            if message["To"] == to and message["Subject"].startswith(subject):
                return message
        time.sleep(0.1)
    raise AssertionError(f"no e-mail {subject!r} to {to}; got {[m['Subject'] for m in mail.messages]}")


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_official_registers_from_a_phone_and_withdraws(phone_page, live_server):
    page = phone_page
    catalogue = CataloguePage(page).open()
    assert no_sideways_scrolling(page)
    training = catalogue.search("Follow-up").open_training(FOLLOW_UP_TITLE)
    assert "seats left" in page.content()

    form = training.register()
    assert no_sideways_scrolling(page)
    # an empty form first: every problem is named, nothing is stored
    form.submit()
    assert "Please correct the following:" in page.content()

    form.fill(name="Noor Al-Hashimi", name_ar="نور الهاشمي", sex="Female", organisation="Border Points Commission",
              position="Border officer", email=EMAIL, phone="+964 770 555 0101")
    form.submit()
    # the page says the same for a new and a known address; the e-mail says the place is confirmed
    assert "A message about this registration is on its way to" in form.flash_text()

    confirmed = wait_for_mail(live_server.mail, EMAIL, "Your place is confirmed")
    assert FOLLOW_UP_TITLE in confirmed.get_body(("plain",)).get_content()
    link_mail = wait_for_mail(live_server.mail, EMAIL, "Set your password")
    link = re.search(r"http://\S+/password/set/\S+", link_mail.get_body(("plain",)).get_content()).group(0)

    page.goto(link)
    login = ChoosePasswordPage(page).choose(PASSWORD)
    assert "Your password is saved" in login.flash_text()
    login.log_in(EMAIL, PASSWORD)
    page.wait_for_url("**/account")

    account = AccountPage(page)
    assert account.status_of(FOLLOW_UP_TITLE) == "Confirmed"
    assert no_sideways_scrolling(page)
    account.withdraw(FOLLOW_UP_TITLE)
    assert "Your registration is withdrawn." in account.flash_text()
    assert account.status_of(FOLLOW_UP_TITLE) == "Withdrawn"
    wait_for_mail(live_server.mail, EMAIL, "Your registration is withdrawn")
