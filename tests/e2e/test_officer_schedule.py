"""The programme officer writes a new course, schedules a training of it and opens it for registration."""
from datetime import date, timedelta

from tests.e2e.pages import CoursesPage, LoginPage, TrainingPage
from tests.e2e.test_accessibility import AXE, axe_violations

COURSE = "Identification and Referral of Victims of Trafficking"
COURSE_AR = "تحديد ضحايا الاتجار بالبشر وإحالتهم"


def test_officer_creates_a_course_schedules_a_training_and_opens_it(page, live_server):
    page.add_init_script(path=str(AXE))
    LoginPage(page).open().log_in("officer@example.org", live_server.password)
    page.wait_for_url("**/officer")
    assert not axe_violations(page), axe_violations(page)

    # a new course; a missing title is reported beside the field, and what was typed stays
    form = CoursesPage(page).open().new_course()
    form.fill(title="", title_ar=COURSE_AR, default_days=2).save()
    assert "This field is required." in form.error_for("title")
    assert page.get_by_label("Title (Arabic)").input_value() == COURSE_AR
    course = form.fill(title=COURSE, title_ar=COURSE_AR, default_days=2,
                       themes="Indicators of trafficking\nReferral pathways").save()
    assert f"Course “{COURSE}” created." in course.flash_text()
    assert not axe_violations(page), axe_violations(page)

    # scheduled from the course: title copied, two days from the course's default length
    start = date.today() + timedelta(days=45)
    training_form = course.schedule_training()
    assert not axe_violations(page), axe_violations(page)
    training = training_form.fill(start_date=start.isoformat(), venue="Al-Rasheed Hotel", city="Baghdad",
                                  city_ar="بغداد", capacity=24).create()
    assert "Training scheduled as a draft with 2 day(s)." in training.flash_text()
    assert training.heading() == COURSE and training.status() == "Draft"
    assert len(training.days().splitlines()) == 2
    assert not axe_violations(page), axe_violations(page)

    # open it, after confirming
    training.change_status("Open for registration")
    assert "The training is open for registration." in training.flash_text()
    assert training.status() == "Open"

    # the public list now offers it, and the audit log tells who did what
    training_id = training.training_id
    page.goto("/")
    assert page.get_by_role("link", name=COURSE).count() >= 1
    TrainingPage(page).open(training_id=training_id).open_section("Audit log")
    log = page.locator("tbody").inner_text()
    assert "scheduled the training" in log and "opened the training" in log and "Programme Officer" in log


def test_the_officer_pages_read_right_to_left_in_arabic(page, live_server):
    page.add_init_script(path=str(AXE))
    LoginPage(page).open().log_in("officer@example.org", live_server.password)
    page.wait_for_url("**/officer")
    for path in ("/officer?lang=ar", "/courses", "/officer/trainings/1", "/officer/trainings/2/edit", "/organisations"):
        page.goto(path)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert not axe_violations(page), (path, axe_violations(page))
