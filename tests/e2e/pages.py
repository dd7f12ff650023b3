"""Page objects: one class per screen, so journeys read like what a person does."""
import re


class BasePage:
    path = "/"

    def __init__(self, page):
        self.page = page

    def open(self, **params):
        self.page.goto(self.path.format(**params))
        return self

    def flash_text(self) -> str:
        return self.page.locator(".flash-messages").inner_text()

    def heading(self) -> str:
        return self.page.locator("h1").first.inner_text()


class LoginPage(BasePage):
    path = "/login"

    def log_in(self, email: str, password: str):
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        return self

    def expect_error(self):
        return re.search(r"Wrong e-mail or password", self.page.content()) is not None
