"""The programme officer runs the upcoming demo training: nominations, a day's attendance, a recommendation and its follow-up."""
from datetime import date

from tests.e2e.pages import AttendanceDayPage, LoginPage, RecommendationsPage, RegistrationsPage
from training_mgr.seeds.demo import FOLLOW_UP_TITLE


def test_officer_adds_people_takes_attendance_and_follows_up_a_recommendation(page, live_server):
    LoginPage(page).open().log_in("officer@example.org", live_server.password)
    page.wait_for_url("**/officer")

    # open the upcoming training from the officer's home
    page.get_by_role("link", name=FOLLOW_UP_TITLE).first.click()
    page.get_by_role("link", name="Registrations", exact=True).click()
    registrations = RegistrationsPage(page)
    training_id = int(page.url.split("/trainings/")[1].split("/")[0])

    # someone already known, found by name …
    registrations = registrations.add_participant().search("Zainab").add_found("Zainab Hussein Al-Jubouri")
    assert "Zainab Hussein Al-Jubouri added as Confirmed" in registrations.flash_text()
    # … and someone new
    registrations = registrations.add_participant().create(
        name="Layla Kareem Al-Tamimi", name_ar="ليلى كريم التميمي", sex="Female",
        organisation="Ministry of Interior", email="layla.altamimi@example.org", position="Captain",
    )
    assert "Layla Kareem Al-Tamimi added as Confirmed" in registrations.flash_text()
    assert "Confirmed" in registrations.row("Layla Kareem Al-Tamimi").inner_text()
    assert "ليلى كريم التميمي" in registrations.row("Layla Kareem Al-Tamimi").inner_text()

    # the first day's attendance: everyone present, then the one exception
    page.get_by_role("link", name="Attendance", exact=True).click()
    page.get_by_role("link", name="Take attendance").first.click()
    day = AttendanceDayPage(page).mark_everyone_present()
    assert "2 participants without a mark were marked present" in day.flash_text()
    day.set_mark("Zainab Hussein Al-Jubouri", "Late", note="Arrived at 10:00").save()
    assert "saved (1 changes)" in day.flash_text()
    page.get_by_role("link", name="Back to the grid").click()
    grid_row = page.locator("tbody tr", has_text="Zainab Hussein Al-Jubouri")
    assert "Late" in grid_row.inner_text() and "Arrived at 10:00" in grid_row.inner_text()
    assert "Programme Officer" in grid_row.locator("td.mark-late").get_attribute("title")  # on hover

    # a recommendation and its first follow-up
    page.get_by_role("link", name="Recommendations", exact=True).last.click()
    recommendations = RecommendationsPage(page).record(
        text="Hold a refresher on gender-responsive screening every year.", theme="Gender",
        due_date=f"{date.today().year + 1}-06-30", status="Agreed",
    )
    assert "Recommendation added." in recommendations.flash_text()
    recommendation = recommendations.open_recommendation("Hold a refresher on gender-responsive screening every year.")
    recommendation.add_follow_up(status="In progress", note="Ministry of Interior scheduled the first refresher.")
    assert "Follow-up added." in recommendation.flash_text()
    assert "Ministry of Interior scheduled the first refresher." in recommendation.follow_up_log()
    assert "In progress" in recommendation.follow_up_log()

    RecommendationsPage(page).open(training_id=training_id)
    assert "In progress" in page.locator("tbody tr", has_text="Hold a refresher").inner_text()
