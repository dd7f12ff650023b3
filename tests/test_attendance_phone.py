"""The attendance pages on a phone and on a desktop: one person per row with four buttons, search, totals of the
day, the grid's rate and certificate rule, and pages of people however large the training."""
import re

import pytest

from tests.factories import AttendanceMarkFactory, ParticipantFactory, RegistrationFactory
from training_mgr.attendance import services
from training_mgr.attendance.services import DayMark
from training_mgr.extensions import db


@pytest.fixture
def trio(people):
    """Three confirmed participants with names in both scripts, and one who withdrew."""
    training = people.training
    names = (("Ali Hassan", "علي حسن"), ("Hiba Saleh", "هبة صالح"), ("Zaid Karim", "زيد كريم"))
    confirmed = [RegistrationFactory(training=training, participant=ParticipantFactory(name=en, name_ar=ar))
                 for en, ar in names]
    RegistrationFactory(training=training, status="withdrawn", participant=ParticipantFactory(name="Gone Away"))
    return confirmed


def _rows(html):
    """Each person's row of the day page, by the name shown first."""
    items = re.findall(r'<li class="attendance-person" data-registration="\d+">(.*?)</li>', html, re.S)
    return {re.search(r"<legend[^>]*><bdi>(.*?)</bdi>", item).group(1): item for item in items}


def _totals(html):
    return {m: int(n) for m, n in re.findall(r'data-total="(\w+)">(\d+)<', html)}


def test_a_day_on_a_phone_shows_one_person_per_row_with_four_buttons_and_the_day_totals(people, trio, login):
    ali, hiba, zaid = trio
    day = people.training.days[0]
    services.record_day(people.training, day, {hiba.id: DayMark("late", "Checkpoint")}, by_user=people.officer)
    officer = login(people.officer)
    url = f"/officer/trainings/{people.training.id}/attendance/days/{day.id}"

    html = officer.get(url).text
    rows = _rows(html)
    assert list(rows) == ["Ali Hassan", "Hiba Saleh", "Zaid Karim"]  # the withdrawn person is not there
    for row in rows.values():
        labels = re.findall(r'<label class="btn attendance-choice mark-(\w+)"', row)
        assert labels == ["present", "late", "excused", "absent"]
    assert 'value="late" autocomplete="off" checked' in rows["Hiba Saleh"]
    assert "checked" not in rows["Ali Hassan"]
    assert _totals(html) == {"present": 0, "late": 1, "excused": 0, "absent": 0, "none": 2}
    assert 'name="viewport" content="width=device-width' in html

    response = officer.post(f"{url}/all-present", follow_redirects=True)
    assert "2 participants without a mark were marked present" in response.text
    assert _totals(response.text) == {"present": 2, "late": 1, "excused": 0, "absent": 0, "none": 0}
    assert "Mark everyone else present" in response.text


def test_in_arabic_the_names_are_shown_in_arabic_script_first(people, trio, login):
    day = people.training.days[0]
    html = login(people.officer).get(f"/officer/trainings/{people.training.id}/attendance/days/{day.id}?lang=ar").text
    rows = _rows(html)
    assert list(rows) == sorted(["علي حسن", "هبة صالح", "زيد كريم"])
    assert "Ali Hassan" in rows["علي حسن"]  # the Latin name beside it, smaller


def test_search_by_name_in_either_script_and_saving_keeps_the_search(people, trio, login):
    ali, hiba, zaid = trio
    day = people.training.days[0]
    officer = login(people.officer)
    url = f"/officer/trainings/{people.training.id}/attendance/days/{day.id}"

    assert list(_rows(officer.get(f"{url}?q=hiba").text)) == ["Hiba Saleh"]
    assert list(_rows(officer.get(f"{url}?q=زيد").text)) == ["Zaid Karim"]
    assert "Nobody confirmed matches" in officer.get(f"{url}?q=nobody%25").text

    response = officer.post(f"{url}?q=hiba", data={f"mark-{hiba.id}": "absent"})
    assert response.status_code == 302 and response.location.endswith(f"{url}?q=hiba")


def test_a_mark_can_be_removed_from_its_detail(people, trio, login):
    ali, *_ = trio
    day = people.training.days[0]
    services.record_day(people.training, day, {ali.id: DayMark("absent")}, by_user=people.officer)
    officer = login(people.officer)
    url = f"/officer/trainings/{people.training.id}/attendance/days/{day.id}"
    assert f'id="mark-{ali.id}-none" value=""' in officer.get(url).text
    officer.post(url, data={f"mark-{ali.id}": ""})
    assert _totals(officer.get(url).text)["none"] == 3


def test_the_grid_shows_rate_rule_and_day_totals_and_who_recorded_only_on_hover(people, trio, login):
    ali, hiba, zaid = trio
    training = people.training  # three days, 80% needed, late counts
    for day in training.days:
        AttendanceMarkFactory(registration=ali, session_day=day, status="present", recorded_by=people.officer)
    AttendanceMarkFactory(registration=hiba, session_day=training.days[0], status="late", recorded_by=people.officer)
    db.session.commit()

    html = login(people.manager).get(f"/officer/trainings/{training.id}/attendance").text
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    row = {name: body.split(f"<bdi>{name}</bdi>", 1)[1].split("</tr>", 1)[0] for name in ("Ali Hassan", "Hiba Saleh", "Zaid Karim")}
    assert "100%" in row["Ali Hassan"] and ">Met<" in row["Ali Hassan"]
    assert "33%" in row["Hiba Saleh"] and ">Not met<" in row["Hiba Saleh"]
    assert "0%" in row["Zaid Karim"] and "not marked" in row["Zaid Karim"]
    # who recorded a mark is in the cell's title (hover), not printed in every cell
    name = people.officer.display_name
    text_only = re.sub(r'title="[^"]*"', "", body)
    assert f'title="Recorded by {name}' in body and name not in text_only
    footer = html.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    present_row = footer.split("<th scope=\"row\">Present</th>", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r">(\d+)</td>", present_row) == ["1", "1", "1"]
    late_row = footer.split("<th scope=\"row\">Late</th>", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r">(\d+)</td>", late_row) == ["1", "0", "0"]


@pytest.mark.config(ATTENDANCE_PER_PAGE=10, PAGE_CACHE_ENTRIES=0)
def test_a_large_training_is_paged_and_the_page_does_not_grow_with_it(people, login):
    training = people.training
    for i in range(25):
        registration = RegistrationFactory(training=training, participant=ParticipantFactory(name=f"Person {i:02d}"))
        if i % 2:
            db.session.add(services.AttendanceMark(registration=registration, session_day=training.days[0], status="present"))
    db.session.commit()
    officer = login(people.officer)
    grid = f"/officer/trainings/{training.id}/attendance"
    day = f"{grid}/days/{training.days[0].id}"

    first, last = officer.get(grid).text, officer.get(f"{grid}?page=3").text
    assert first.count('<th scope="row" class="attendance-grid-name">') == 10
    assert last.count('<th scope="row" class="attendance-grid-name">') == 5
    assert "Person 00" in first and "Person 24" in last and "Person 24" not in first
    assert "12 of 25 marked" in first  # the totals count everyone, not the page
    page_two = officer.get(f"{day}?page=2").text
    assert len(_rows(page_two)) == 10 and _totals(page_two) == {"present": 12, "late": 0, "excused": 0, "absent": 0, "none": 13}

    def table(html):
        return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]

    for i in range(25, 60):
        RegistrationFactory(training=training, participant=ParticipantFactory(name=f"Person {i:02d}"))
    db.session.commit()
    again = officer.get(grid).text
    assert table(again) == table(first)  # the page holds the same 10 people whatever the training's size
    assert len(again) < len(first) * 1.05  # only the links to the further pages are added
