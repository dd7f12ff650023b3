"""The public catalogue, a training's public page and its calendar file."""
from datetime import date, timedelta

import pytest

from tests.factories import CourseFactory, OrganisationFactory, RegistrationFactory, TrainingSessionFactory
from training_mgr.catalogue.services import ics_escape, ics_fold
from training_mgr.core.db import utcnow
from training_mgr.extensions import db
from training_mgr.trainings.models import SessionDay


def test_the_catalogue_lists_open_trainings_with_seats_or_waiting_list(client):
    host = OrganisationFactory(name="Al-Nahrain Centre")
    roomy = TrainingSessionFactory(title="Roomy training", capacity=20, language="ar", host=host)
    full = TrainingSessionFactory(title="Full training", capacity=1)
    RegistrationFactory(training=full)
    RegistrationFactory(training=roomy)
    TrainingSessionFactory(title="Draft training", status="draft")
    TrainingSessionFactory(title="Closed training", status="closed")
    TrainingSessionFactory(title="Deadline passed", registration_closes_at=utcnow() - timedelta(hours=1))

    html = client.get("/").get_data(as_text=True)
    assert "Roomy training" in html and "Full training" in html
    assert "19 seats left" in html and "Full: waiting list" in html
    assert "Al-Nahrain Centre" in html and "Arabic" in html and "Baghdad" in html
    for hidden in ("Draft training", "Closed training", "Deadline passed"):
        assert hidden not in html


@pytest.mark.parametrize("query,expected", [
    ({"q": "border"}, {"Human Rights at Borders"}),
    ({"q": "الحدود"}, {"Human Rights at Borders"}),
    ({"q": "erbil"}, {"Document Security"}),
    ({"city": "Erbil"}, {"Document Security"}),
    ({"city": "أربيل"}, {"Document Security"}),
    ({"language": "en"}, {"Document Security"}),
    ({"month": "next"}, {"Document Security"}),
    ({"q": "100%_"}, set()),
])
def test_search_and_filters(client, query, expected):
    soon = date.today() + timedelta(days=10)
    later = date.today() + timedelta(days=70)
    TrainingSessionFactory(title="Human Rights at Borders", title_ar="حقوق الإنسان على الحدود", city="Baghdad",
                           language="en_ar", start_date=soon)
    TrainingSessionFactory(title="Document Security", title_ar="أمن الوثائق", city="Erbil", city_ar="أربيل",
                           language="en", start_date=later)
    if query.get("month") == "next":
        query = {"month": later.strftime("%Y-%m")}
    html = client.get("/", query_string=query).get_data(as_text=True)
    shown = {title for title in ("Human Rights at Borders", "Document Security") if title in html}
    assert shown == expected
    if not expected:
        assert "No open training matches your search." in html


@pytest.mark.parametrize("query", [
    {"q": "a\x00b"}, {"q": "x" * 10_000}, {"month": "2026-13"}, {"month": "\x00"}, {"language": "klingon"},
    {"page": "99999999999999999999"}, {"page": "-3"}, {"page": "abc"}, {"city": "\x00"},
])
def test_odd_search_parameters_never_fail(client, query):
    TrainingSessionFactory()
    assert client.get("/", query_string=query).status_code == 200


@pytest.mark.config(PAGE_CACHE_ENTRIES=0)  # the statements of drawing the page, not of serving it again
def test_the_catalogue_runs_the_same_number_of_queries_however_many_trainings(client, count_queries):
    def add(n):
        for _ in range(n):
            training = TrainingSessionFactory(host=OrganisationFactory())
            RegistrationFactory(training=training)

    add(2)
    client.get("/")
    with count_queries() as few:
        assert client.get("/").status_code == 200
    add(10)
    with count_queries() as many:
        assert client.get("/").status_code == 200
    assert len(many) == len(few)
    assert sum("GROUP BY" in s.upper() for s in many) == 1


def test_the_training_page_tells_everything_needed_to_decide(client):
    course = CourseFactory(description="Three days on borders.", objectives="Know the law.", themes="Refugee law\nNon-discrimination")
    host = OrganisationFactory(name="Al-Nahrain Centre")
    training = TrainingSessionFactory(course=course, title="Human Rights at Borders", venue="Rasheed Hotel", capacity=25,
                                      host=host, registration_closes_at=utcnow() + timedelta(days=5))
    html = client.get(f"/sessions/{training.id}").get_data(as_text=True)
    for text in ("Human Rights at Borders", "Three days on borders.", "Know the law.", "Refugee law", "Non-discrimination",
                 "Rasheed Hotel", "Baghdad", "Al-Nahrain Centre", "Registration closes", "25 seats left", "Day 3"):
        assert text in html, text
    assert f'href="/sessions/{training.id}/register"' in html
    assert f'href="/sessions/{training.id}.ics"' in html


def test_the_training_page_says_why_registration_is_closed(client):
    training = TrainingSessionFactory(registration_opens_at=utcnow() + timedelta(days=3))
    html = client.get(f"/sessions/{training.id}").get_data(as_text=True)
    assert "Registration for this training has not opened yet." in html
    assert f'href="/sessions/{training.id}/register"' not in html


def test_drafts_and_unknown_trainings_are_not_found(client):
    draft = TrainingSessionFactory(status="draft")
    for path in (f"/sessions/{draft.id}", f"/sessions/{draft.id}.ics", "/sessions/424242", "/sessions/424242.ics"):
        assert client.get(path).status_code == 404, path


def test_the_calendar_file_is_a_valid_all_day_event(client):
    start = date(2027, 2, 15)
    course = CourseFactory(description="Line one; with, commas\nand a second line")
    training = TrainingSessionFactory(course=course, title="Human Rights, Borders; and Law " + "long " * 20,
                                      start_date=start, end_date=start + timedelta(days=2), venue="Hall 3, Main Building")
    response = client.get(f"/sessions/{training.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.count(b"\r\n") == raw.count(b"\n")  # every line ends in CRLF
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    text = raw.decode("utf-8").replace("\r\n ", "")  # unfold
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines
    assert "DTSTART;VALUE=DATE:20270215" in lines
    assert "DTEND;VALUE=DATE:20270218" in lines  # the day after the last, as all-day events need
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") and len(line) == len("DTSTAMP:20270101T000000Z") for line in lines)
    assert f"UID:training-session-{training.id}@localhost" in lines
    assert "SUMMARY:Human Rights\\, Borders\\; and Law " + "long " * 20 in lines
    assert "LOCATION:Hall 3\\, Main Building\\, Baghdad" in lines
    assert any(line.startswith("DESCRIPTION:Line one\\; with\\, commas\\nand a second line") for line in lines)


def test_ics_escaping_and_folding_keep_multibyte_characters_whole():
    assert ics_escape("a\\b;c,d\r\ne") == "a\\\\b\\;c\\,d\\ne"
    folded = ics_fold("SUMMARY:" + "حقوق الإنسان " * 20)
    pieces = folded.encode("utf-8").split(b"\r\n")
    assert all(len(piece) <= 75 for piece in pieces)
    assert all(piece.decode("utf-8") for piece in pieces)  # no character cut in half
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "حقوق الإنسان " * 20


def test_the_programme_lists_each_day(client):
    training = TrainingSessionFactory(start_date=date(2027, 3, 1), end_date=date(2027, 3, 2), days=[])
    training.days = [SessionDay(date=date(2027, 3, 1), title="Legal framework"), SessionDay(date=date(2027, 3, 2), title="Practice")]
    db.session.commit()
    html = client.get(f"/sessions/{training.id}").get_data(as_text=True)
    assert "Legal framework" in html and "Practice" in html and "Day 2" in html
