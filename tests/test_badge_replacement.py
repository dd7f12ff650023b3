"""A lost badge is replaced one by one: from then on its QR code is refused at the scanner with whose it was, when and
why, its personal link no longer lets a phone check in, and the new badge printed for the person checks them in."""
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.factories import ParticipantFactory, RegistrationFactory, TrainingSessionFactory
from tests.test_certificate_pdf import _decoded_links, _every_image
from training_mgr.attendance.models import AttendanceMark
from training_mgr.audit.models import AuditEntry
from training_mgr.checkin import tokens
from training_mgr.core.db import utcnow
from training_mgr.extensions import db


@pytest.fixture
def today(people):
    """The officer's training, running today, with Layla and Sami confirmed (their first badges printed)."""
    training = TrainingSessionFactory(officers=[people.officer], timezone="UTC", start_date=utcnow().date())
    layla = RegistrationFactory(training=training, participant=ParticipantFactory(name="Layla Hassan", name_ar="ليلى حسن"))
    sami = RegistrationFactory(training=training, participant=ParticipantFactory(name="Sami Jaber"))
    return training, layla, sami


def scan(client, training, code):
    return client.post(f"/officer/trainings/{training.id}/check-in", json={"code": code})


def badge_links(pdf: bytes) -> list[str]:
    return _decoded_links(_every_image(pdf))


def test_the_old_badge_is_refused_with_the_reason_and_the_new_one_checks_in(people, today, login):
    training, layla, sami = today
    officer = login(people.officer)
    [old_link] = [link for link in badge_links(officer.get(f"/officer/trainings/{training.id}/badges.pdf").data)
                  if link.endswith(tokens.badge_token(layla.id))]

    page = officer.get(f"/officer/trainings/{training.id}/registrations/{layla.id}/badge")
    assert page.status_code == 200 and "Replace a lost or stolen badge" in page.text and "data-confirm" in page.text
    response = officer.post(f"/officer/trainings/{training.id}/registrations/{layla.id}/badge",
                            data={"number": "1", "reason": "Lost at the hotel"}, follow_redirects=True)
    assert "The badge of Layla Hassan was replaced: the old one checks nobody in any more." in response.text
    assert "Badge no. 2 is the valid one" in response.text and "Lost at the hotel" in response.text

    refused = scan(officer, training, old_link)
    assert refused.status_code == 422 and not refused.json["ok"]
    assert refused.json["message"].startswith("This badge of Layla Hassan was replaced on ")
    assert "(Lost at the hotel): it no longer checks anyone in." in refused.json["message"]
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0

    new = officer.get(f"/officer/trainings/{training.id}/registrations/{layla.id}/badge.pdf")
    assert new.status_code == 200 and "Layla Hassan" in PdfReader(io.BytesIO(new.data)).pages[0].extract_text()
    [new_link] = badge_links(new.data)
    assert new_link != old_link
    accepted = scan(officer, training, new_link)
    assert accepted.status_code == 200 and accepted.json["ok"] and accepted.json["status"] in ("present", "late")
    assert scan(officer, training, tokens.badge_url(sami.id)).json["ok"]  # the others' badges are untouched

    # every sheet printed from now on carries the new code, the sign-in sheet too
    sheet_links = badge_links(officer.get(f"/officer/trainings/{training.id}/badges.pdf").data)
    assert new_link in sheet_links and old_link not in sheet_links
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "badge.replace"))
    assert entry.user_id == people.officer.id and entry.details["reason"] == "Lost at the hotel"
    audit_log = re.sub(r"<[^>]+>", "", officer.get(f"/officer/trainings/{training.id}/audit").text)
    assert "replaced the badge of Layla Hassan by badge no. 2; the old one checks nobody in: Lost at the hotel" in audit_log


def test_the_lost_badges_link_no_longer_lets_a_phone_check_in(app, people, today, login):
    training, layla, _sami = today
    finder = app.test_client()
    old = tokens.badge_token(layla.id)
    assert finder.get(f"/b/{old}").status_code == 200  # the finder's phone opened the lost badge's link
    login(people.officer).post(f"/officer/trainings/{training.id}/registrations/{layla.id}/badge",
                               data={"number": "1", "reason": "Stolen"})

    page = finder.get(f"/b/{old}")
    assert page.status_code == 410 and "This badge was replaced" in page.text and "Layla" not in page.text
    code = tokens.projector_code(training.id, utcnow().date())
    self_check_in = finder.post(f"/sessions/{training.id}/check-in/{code}")
    assert "Check me in" not in self_check_in.text
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0


def test_a_replacement_needs_a_reason_and_a_confirmed_participant(people, today, login):
    training, layla, _sami = today
    officer = login(people.officer)
    url = f"/officer/trainings/{training.id}/registrations/{layla.id}/badge"
    empty = officer.post(url, data={"number": "1", "reason": "  "})
    assert empty.status_code == 422 and "This field is required." in empty.text
    long = officer.post(url, data={"number": "1", "reason": "x" * 201})
    assert long.status_code == 422 and 'value="' + "x" * 201 + '"' in long.text  # kept in the form
    withdrawn = RegistrationFactory(training=training, status="withdrawn", participant=ParticipantFactory(name="Omar Saadi"))
    refused = officer.post(f"/officer/trainings/{training.id}/registrations/{withdrawn.id}/badge",
                           data={"number": "1", "reason": "Lost"}, follow_redirects=True)
    assert "Only confirmed participants have a badge." in refused.text
    assert officer.get(f"/officer/trainings/{training.id}/registrations/{withdrawn.id}/badge.pdf").status_code == 404
    assert scan(officer, training, tokens.badge_token(layla.id)).json["ok"]  # nothing was replaced
    other = RegistrationFactory(training=TrainingSessionFactory())
    assert officer.get(f"/officer/trainings/{training.id}/registrations/{other.id}/badge").status_code == 404


def test_the_registration_page_links_to_the_badge(people, today, login):
    training, layla, _sami = today
    page = login(people.officer).get(f"/officer/trainings/{training.id}/registrations/{layla.id}").text
    assert f"/officer/trainings/{training.id}/registrations/{layla.id}/badge.pdf" in page
    assert f'/officer/trainings/{training.id}/registrations/{layla.id}/badge"' in page
    manager_page = login(people.manager).get(f"/officer/trainings/{training.id}/registrations/{layla.id}").text
    assert "badge.pdf" not in manager_page and "Replace a lost badge" not in manager_page  # a badge checks in


def test_the_same_replacement_sent_twice_replaces_the_badge_once(people, today, login):
    training, layla, _sami = today
    officer = login(people.officer)
    url = f"/officer/trainings/{training.id}/registrations/{layla.id}/badge"
    assert 'name="number" type="hidden" value="1"' in officer.get(url).text
    first = officer.post(url, data={"number": "1", "reason": "Lost"}, follow_redirects=True)
    assert "Print badge no. 2 now." in first.text
    printed = badge_links(officer.get(f"{url}.pdf").data)
    again = officer.post(url, data={"number": "1", "reason": "Lost"})  # the same form sent twice
    assert again.status_code == 422 and "Badge no. 1 was already replaced: print badge no. 2." in again.text
    assert 'name="number" type="hidden" value="2"' in again.text  # the page now replaces badge no. 2
    assert scan(officer, training, printed[0]).json["ok"]  # the badge just printed still checks in
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "badge.replace")) == 1


def test_a_first_replacement_made_at_the_same_moment_elsewhere_is_answered_as_a_repeat(people, today, monkeypatch):
    """Two first replacements at once: both see no row; the second insert breaks the primary key."""
    from training_mgr.checkin import services
    from training_mgr.checkin.models import BadgeReplacement

    training, layla, _sami = today
    real_get = db.session.get

    def get_but_miss_the_replacement(model, *args, **kwargs):
        if model is BadgeReplacement and kwargs.get("with_for_update"):
            return None  # as the other request's row was not committed yet when this one looked
        return real_get(model, *args, **kwargs)

    services.replace_badge(layla, "Lost", replaces=1, by_user=people.officer)
    db.session.expunge(db.session.get(BadgeReplacement, layla.id))  # the other request's row, unseen by this one
    monkeypatch.setattr(db.session, "get", get_but_miss_the_replacement)
    with pytest.raises(services.CheckInRefused) as refused:
        services.replace_badge(layla, "Lost too", replaces=1, by_user=people.officer)
    monkeypatch.undo()
    assert str(refused.value) == "Badge no. 1 was already replaced: print badge no. 2."
    assert db.session.get(BadgeReplacement, layla.id).number == 2
