"""Page objects: one class per screen, so journeys read like what a person does."""
import re


class BasePage:
    path = "/"

    def __init__(self, page):
        self.page = page

    def open(self, **params):
        self.page.goto(self.path.format(**params))
        return self

    def follow(self, target):
        """Click a link or a submit button and wait until the page it leads to has loaded."""
        with self.page.expect_navigation():
            target.click()
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
        self.follow(self.page.get_by_role("button", name="Log in"))
        return self

    def expect_error(self):
        return re.search(r"Wrong e-mail or password", self.page.content()) is not None


class RegistrationsPage(BasePage):
    """A training's registration list (officer)."""

    path = "/officer/trainings/{training_id}/registrations"

    def add_participant(self):
        self.follow(self.page.get_by_role("link", name="Add a participant"))
        return AddParticipantPage(self.page)

    def row(self, name: str):
        return self.page.locator("tbody tr", has_text=name)


class AddParticipantPage(BasePage):
    """Pick a known person by search, or create someone new, and add them to the training."""

    def search(self, term: str):
        self.page.get_by_placeholder("Name or e-mail").fill(term)
        self.follow(self.page.get_by_role("button", name="Search"))
        return self

    def add_found(self, name: str):
        self.follow(self.page.get_by_role("button", name=f"Add {name}"))
        return RegistrationsPage(self.page)

    def create(self, *, name, name_ar, sex, organisation, email, position=""):
        self.page.get_by_label("Name (Latin script)").fill(name)
        self.page.get_by_label("Name (Arabic script)").fill(name_ar)
        self.page.get_by_label("Sex").select_option(label=sex)
        select = self.page.get_by_label("Organisation")
        option = select.locator("option", has_text=organisation).first.get_attribute("value")
        select.select_option(value=option)
        self.page.get_by_label("Position").fill(position)
        self.page.get_by_label("Email", exact=True).fill(email)
        self.follow(self.page.get_by_role("button", name="Create and add"))
        return RegistrationsPage(self.page)


class AttendanceDayPage(BasePage):
    """One day's attendance form: everyone present, then the exceptions."""

    path = "/officer/trainings/{training_id}/attendance/days/{day_id}"

    def mark_everyone_present(self):
        self.follow(self.page.get_by_role("button", name="Mark everyone else present"))
        return self

    def row(self, name: str):
        return self.page.locator("li.attendance-person", has_text=name)

    def set_mark(self, name: str, mark: str, note: str = ""):
        row = self.row(name)
        row.locator("label.attendance-choice", has_text=mark).click()
        if note:
            row.locator("summary").click()
            row.get_by_label(f"Note for {name}").fill(note)
        return self

    def totals(self) -> dict:
        """The day's totals at the top of the page: {"present": n, …, "none": n}."""
        return {el.get_attribute("data-total"): int(el.inner_text())
                for el in self.page.locator("[data-total]").all()}

    def save(self):
        self.follow(self.page.get_by_role("button", name="Save attendance"))
        return self


class RecommendationsPage(BasePage):
    """A training's recommendations, with the form to record a new one."""

    path = "/officer/trainings/{training_id}/recommendations"

    def record(self, *, text, theme, due_date, status):
        self.page.get_by_label("Recommendation (English)").fill(text)
        self.page.get_by_label("Theme").fill(theme)
        self.page.get_by_label("Due date").fill(due_date)
        self.page.get_by_label("Status", exact=True).select_option(label=status)
        self.follow(self.page.get_by_role("button", name="Add recommendation"))
        return self

    def open_recommendation(self, text: str):
        self.follow(self.page.get_by_role("link", name=text))
        return RecommendationPage(self.page)


class RecommendationPage(BasePage):
    """One recommendation: its follow-up log and the form to add to it."""

    def add_follow_up(self, *, status, note):
        self.page.get_by_label("Status after this follow-up").select_option(label=status)
        self.page.get_by_label("Note", exact=True).fill(note)
        self.follow(self.page.get_by_role("button", name="Add follow-up"))
        return self

    def follow_up_log(self) -> str:
        return self.page.locator(".list-group").inner_text()


class CoursesPage(BasePage):
    """The list of courses (officer)."""

    path = "/courses"

    def new_course(self):
        self.follow(self.page.get_by_role("link", name="New course"))
        return CourseFormPage(self.page)


class CourseFormPage(BasePage):
    """Create or edit a course."""

    def fill(self, *, title, title_ar="", default_days=None, themes=""):
        self.page.get_by_label("Title (English)").fill(title)
        self.page.get_by_label("Title (Arabic)").fill(title_ar)
        if default_days is not None:
            self.page.get_by_label("Default length (days)").fill(str(default_days))
        self.page.get_by_label("Themes (English)").fill(themes)
        return self

    def save(self):
        self.follow(self.page.get_by_role("button", name="Save"))
        return CoursePage(self.page)

    def error_for(self, field_id: str) -> str:
        return self.page.locator(f"#{field_id}-error").inner_text()


class CoursePage(BasePage):
    """One course, with the button that schedules a training of it."""

    def schedule_training(self):
        self.follow(self.page.get_by_role("link", name="Schedule a training"))
        return TrainingFormPage(self.page)


class TrainingFormPage(BasePage):
    """Schedule a training (the course is already chosen when coming from the course page)."""

    def fill(self, *, start_date, city, city_ar="", venue="", capacity, confirmation=None):
        self.page.get_by_label("First day").fill(start_date)
        self.page.get_by_label("Venue (English)").fill(venue)
        self.page.get_by_label("City (English)").fill(city)
        self.page.get_by_label("City (Arabic)").fill(city_ar)
        self.page.get_by_label("Capacity (seats)").fill(str(capacity))
        if confirmation:
            self.page.get_by_label("Confirmation of registrations").select_option(label=confirmation)
        return self

    def create(self):
        self.follow(self.page.get_by_role("button", name="Create training"))
        return TrainingPage(self.page)


class TrainingPage(BasePage):
    """A training's officer page: summary, key figures, status buttons and sections."""

    path = "/officer/trainings/{training_id}"

    @property
    def training_id(self) -> int:
        return int(self.page.url.split("/trainings/")[1].split("/")[0].split("?")[0])

    def status(self) -> str:
        return self.page.locator("h1 + p .badge").inner_text()

    def days(self) -> str:
        return self.page.locator("dt:text-is('Days') + dd").inner_text()

    def change_status(self, button: str):
        """Press a status button and accept the confirmation it asks for."""
        self.page.once("dialog", lambda dialog: dialog.accept())
        self.follow(self.page.get_by_role("button", name=button))
        return self

    def open_section(self, name: str):
        self.follow(self.page.get_by_role("navigation", name="Training sections").get_by_role("link", name=name, exact=True))
        return self


class DashboardPage(BasePage):
    """The managers' dashboard: filters, key figures, charts and download buttons."""

    path = "/dashboard"

    def filter(self, *, date_from="", date_to=""):
        self.page.get_by_label("From").fill(date_from)
        self.page.get_by_label("To", exact=True).fill(date_to)
        self.follow(self.page.get_by_role("button", name="Apply filters"))
        return self

    def figure(self, name: str) -> str:
        return self.page.locator(f'[data-figure="{name}"]').inner_text()

    def download(self, button_name: str):
        """Click the download button named exactly ``button_name``, which prepares the file in a bulk job, then the
        job page's download link once it shows; returns Playwright's Download."""
        return self._download_prepared(self.page.get_by_role("button", name=button_name, exact=True))

    def _download_prepared(self, button):
        dashboard = self.page.url
        self.follow(button)
        link = self.page.get_by_role("link", name=re.compile(r"^Download "))
        link.wait_for(timeout=30_000)  # the job page polls its status and shows the link when the file is ready
        with self.page.expect_download() as info:
            link.click()
        self.page.goto(dashboard)
        return info.value

    def download_report_of(self, training_title: str):
        """The report (PDF) of one training held, from its row: prepared by a bulk job like the programme's files."""
        row = self.page.locator("tbody tr", has_text=training_title)
        return self._download_prepared(row.get_by_role("button", name=re.compile(r"^Report \(PDF\)")))


class CataloguePage(BasePage):
    """The public list of trainings open for registration."""

    path = "/"

    def search(self, text: str):
        self.page.get_by_label("Search").fill(text)
        self.follow(self.page.get_by_role("button", name="Find"))
        return self

    def open_training(self, title: str):
        self.follow(self.page.get_by_role("link", name=title, exact=True))
        return PublicTrainingPage(self.page)


class PublicTrainingPage(BasePage):
    """A training's public page, with its seats and the way to register."""

    path = "/sessions/{session_id}"

    def register(self):
        self.follow(self.page.get_by_role("link", name="Register", exact=True))
        return RegistrationFormPage(self.page)


class RegistrationFormPage(BasePage):
    """The online registration form."""

    def fill(self, *, name, name_ar, sex, organisation, position, email, phone):
        self.page.get_by_label("Full name in Latin letters").fill(name)
        self.page.get_by_label("Full name in Arabic script").fill(name_ar)
        self.page.get_by_label(sex, exact=True).check()
        self.page.get_by_label("Organisation", exact=True).select_option(label=organisation)
        self.page.get_by_label("Position or rank").fill(position)
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Telephone").fill(phone)
        self.page.get_by_label("I agree").check()
        return self

    def submit(self):
        self.follow(self.page.get_by_role("button", name="Register"))
        return PublicTrainingPage(self.page)


class ChoosePasswordPage(BasePage):
    """The page an e-mailed password link opens."""

    def choose(self, password: str):
        self.page.get_by_label("New password", exact=True).fill(password)
        self.page.get_by_label("Repeat the new password").fill(password)
        self.follow(self.page.get_by_role("button", name="Save my password"))
        return LoginPage(self.page)


class AccountPage(BasePage):
    """The participant's own space: registrations, withdrawing, profile, data."""

    path = "/account"

    def registration(self, title: str):
        return self.page.locator("li.card", has_text=title)

    def status_of(self, title: str) -> str:
        return self.registration(title).locator(".badge").first.inner_text()

    def withdraw(self, title: str):
        """Press Withdraw and accept the confirmation it asks for."""
        self.page.once("dialog", lambda dialog: dialog.accept())
        self.follow(self.registration(title).get_by_role("button", name=re.compile("^Withdraw")))
        return self
