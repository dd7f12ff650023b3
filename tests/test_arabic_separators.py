"""Arabic text reads as Arabic: the parts of a line are separated by the Arabic comma and semicolon (، ؛) and lists
joined with و, never by a Latin comma or semicolon beside Arabic words, on every page, e-mail and printed document."""
import html
import re
from datetime import datetime, time, timedelta, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.factories import ParticipantFactory, UserFactory
from training_mgr import pdf
from training_mgr.agenda import services as agenda
from training_mgr.auth.models import User
from training_mgr.certificates import services as certificates
from training_mgr.core.i18n import join_parts, separator
from training_mgr.extensions import db
from training_mgr.mail.models import OutboundEmail
from training_mgr.messages import services as messages
from training_mgr.messages.scheduled import send_due_messages
from training_mgr.organisations.models import Organisation
from training_mgr.recommendations.models import Recommendation
from training_mgr.registrations.models import Registration
from training_mgr.seeds.demo import FOLLOW_UP_TITLE, REFERENCE_TITLE, seed_demo
from training_mgr.trainings import organisers
from training_mgr.trainings.models import TrainingSession

ARABIC_LETTER = "[\u0621-\u064a\u0671-\u06d3]"
#: a Latin comma or semicolon with an Arabic letter on either side (marks and spaces between): "بغداد, العراق",
#: "Baghdad, العراق"; digits are no letters, so a number such as 1,234 never matches
LATIN_SEPARATOR = re.compile(rf"{ARABIC_LETTER}[\u064b-\u065f\u0640\s]*[,;]|[,;]\s*{ARABIC_LETTER}")
#: text a reader hears or sees outside the element's content
READ_ATTRIBUTES = re.compile(r'\s(?:aria-label|title|alt|placeholder|data-confirm)="([^"]*)"')


def visible_text(markup: str) -> str:
    """The text of a page or e-mail as read: scripts and styles dropped, tags removed, entities decoded, and the
    attributes a reader is given (labels, titles) each on a line of their own."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", "", markup, flags=re.S | re.I)
    attributes = "\n".join(html.unescape(value) for value in READ_ATTRIBUTES.findall(markup))
    return html.unescape(re.sub(r"<[^>]+>", "", markup)) + "\n" + attributes


def latin_separators(text: str) -> list[str]:
    """Each Latin comma or semicolon beside an Arabic word, with a little of its line."""
    return [text[max(0, m.start() - 30):m.end() + 30].replace("\n", " ") for m in LATIN_SEPARATOR.finditer(text)]


def test_the_separator_is_the_languages_own():
    assert separator(",", "ar") == "، " and separator(";", "ar") == "؛ "
    assert separator(",", "en") == ", " and separator(";", "en") == "; "
    assert join_parts(["بغداد", "", None, "العراق"], lang="ar") == "بغداد، العراق"
    assert join_parts(["Baghdad", "Iraq"], ";", lang="en") == "Baghdad; Iraq"
    assert str(join_parts(["<b>", "العراق"], isolate=True, lang="ar")) == "<bdi>&lt;b&gt;</bdi>، <bdi>العراق</bdi>"


def test_the_check_finds_latin_separators_beside_arabic_and_leaves_numbers_alone():
    assert latin_separators("المكان: بغداد, العراق")
    assert latin_separators("الحصص: وزارة الداخلية: 3; وزارة النقل: 2")
    assert latin_separators("Baghdad, العراق")
    assert not latin_separators("المشاركون: 1,234 · بغداد، العراق؛ 80%")
    assert not latin_separators("Baghdad, Iraq")


@pytest.fixture
def demo(app, monkeypatch):
    """The demo data, with what it lacks to show every separator: quotas, an agenda with a facilitator, a day's
    start time, certificates, a reminder; and every print template's HTML kept as it is drawn."""
    seed_demo()
    reference = db.session.scalar(select(TrainingSession).where(TrainingSession.title == REFERENCE_TITLE))
    upcoming = db.session.scalar(select(TrainingSession).where(TrainingSession.title == FOLLOW_UP_TITLE))
    officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    organisations = {o.acronym: o for o in db.session.scalars(select(Organisation))}
    for training in (reference, upcoming):
        organisers.set_quota(training, officer, organisations["MoI"], 8)
        organisers.set_quota(training, officer, organisations["BPC"], 5)
        facilitator = agenda.add_facilitator(agenda.FacilitatorDetails(
            name="Layla Hassan", name_ar="ليلى حسن", organisation_id=organisations["IOM"].id), by_user=officer)
        agenda.add_slot(training, agenda.SlotDetails(
            day_id=training.days[0].id, starts_at=time(9, 0), ends_at=time(10, 30), title="Opening",
            title_ar="الافتتاح", facilitator_id=facilitator.id, room="القاعة الكبرى"), by_user=officer)
        training.days[0].starts_at = time(9, 0)
    db.session.commit()
    printed = []
    render = pdf.render_template
    monkeypatch.setattr(pdf, "render_template", lambda template, **context: printed.append(
        (template, render(template, **context))) or printed[-1][1])
    issued, _ = certificates.issue_certificates(reference, by_user=officer)
    newcomer = ParticipantFactory(name="Noor Ali", name_ar="نور علي", locale="ar", organisation=organisations["MoI"])
    UserFactory(role="participant", email=newcomer.email, participant=newcomer, locale="ar")
    messages.set_reminder_days(upcoming, 3, by_user=officer)
    return reference, upcoming, admin, newcomer, issued, printed


def _arguments(reference, issued, registration):
    """Values for the URL map's parameters, from the demo data."""
    return {
        "training_id": reference.id, "course_id": reference.course_id, "registration_id": registration.id,
        "certificate_id": issued[0].id, "code": issued[0].code, "organisation_id": registration.participant.organisation_id,
        "signatory_id": reference.signatories[0].id if reference.signatories else None, "day_id": reference.days[0].id,
        "participant_id": registration.participant_id,
        "recommendation_id": db.session.scalar(select(Recommendation.id).where(Recommendation.training_id == reference.id)),
        "user_id": reference.officers[0].id,
    }


def _pages(app, client, arguments):
    """(url, markup) of every page the URL map offers to GET with these arguments, in Arabic."""
    with app.test_request_context():
        from flask import url_for

        urls = []
        for rule in app.url_map.iter_rules():
            if ("GET" in rule.methods and rule.endpoint != "static"
                    and all(arguments.get(name) is not None for name in rule.arguments)):
                urls.append(url_for(rule.endpoint, **{name: arguments[name] for name in rule.arguments}))
    for url in sorted(set(urls)):
        response = client.get(url + ("&" if "?" in url else "?") + "lang=ar")
        kind = response.mimetype or ""
        if kind in ("text/html", "text/calendar", "text/plain"):
            yield url, response.get_data(as_text=True)


def test_arabic_pages_emails_and_documents_use_arabic_separators(app, demo, login, client):
    reference, upcoming, admin, newcomer, issued, printed = demo
    newcomer_user = db.session.scalar(select(User).where(User.email == newcomer.email))
    # a registration in Arabic, and the scheduled reminder and certificate notices: their e-mails
    page = login(newcomer_user).post(f"/sessions/{upcoming.id}/register?lang=ar", data={
        "name": newcomer.name, "name_ar": newcomer.name_ar, "sex": "female", "organisation": str(newcomer.organisation_id),
        "organisation_other": "", "position": "", "email": newcomer.email, "phone": "", "consent": "y"})
    assert page.status_code == 302, page.status_code
    send_due_messages()  # the certificates just issued
    send_due_messages(now=datetime.combine(upcoming.start_date - timedelta(days=2), time(9), tzinfo=timezone.utc))
    found = {}
    # every page an admin, a participant and a visitor can open, in Arabic, for the reference and the upcoming training
    for training in (reference, upcoming):
        registration = db.session.scalars(select(Registration).where(Registration.training_id == training.id)
                                          .order_by(Registration.id)).first()
        arguments = _arguments(training, issued, registration)
        for who in (login(admin), login(newcomer_user), client):
            for url, markup in _pages(app, who, arguments):
                if problems := latin_separators(visible_text(markup)):
                    found[url] = problems
    emails = db.session.scalars(select(OutboundEmail).where(OutboundEmail.locale == "ar")).all()
    kinds = {email.kind for email in emails}
    assert {"training.reminder", "certificate.ready"} <= kinds, kinds
    for email in emails:
        text = "\n".join([email.subject, email.body_text, visible_text(email.body_html or "")])
        if problems := latin_separators(text):
            found[f"e-mail {email.kind}"] = problems
    # the printed documents drawn above (certificates, the agenda) and the other documents of the reference training
    with force_locale("ar"):
        from training_mgr.attendance.services import sign_in_sheet_pdf
        from training_mgr.reports.documents import session_report_pdf

        session_report_pdf(reference)
        sign_in_sheet_pdf(reference, reference.days[0])
    templates = {template for template, _markup in printed}
    assert {"pdf/certificate.html", "pdf/session_report.html", "pdf/sign_in_sheet.html", "pdf/agenda.html"} <= templates
    for template, markup in printed:
        if problems := latin_separators(visible_text(markup)):
            found.setdefault(template, []).extend(problems)
    assert not found, found
