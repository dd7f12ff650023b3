"""Text hygiene: control characters, NUL, line breaks and bidi overrides, whether typed in a form, brought in by
an import or stored before input was cleaned, leave every page and every export (XLSX, CSV, PDF, .ics, e-mail)
working and reading the right way round."""
import csv
import importlib
import io
import pkgutil
import subprocess
import unicodedata
from datetime import date, timedelta

import pytest
import wtforms
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

import training_mgr
from tests.factories import (
    CompletedTrainingFactory, OrganisationFactory, ParticipantFactory, RecommendationFactory,
    TrainingSessionFactory, attended,
)
from training_mgr.catalogue.services import ics_escape
from training_mgr.certificates import services as certificates
from training_mgr.core.exports import csv_bytes
from training_mgr.core.forms import CleanTextMeta
from training_mgr.core.text import clean_text, has_stray_controls, one_line, printable
from training_mgr.extensions import db
from training_mgr.mail import messages as mail_messages, services as mail
from training_mgr.mail.models import OutboundEmail
from training_mgr.participants.models import Participant
from training_mgr.recommendations.models import Recommendation
from training_mgr.registrations import importing

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: turns the rest of its line backwards
BIDI_CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
LAST_YEAR = f"from={date.today().year - 5}-01-01&to={date.today().year}-12-31"


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def pdftotext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def unfolded_ics(body: bytes) -> list[str]:
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")


def use_smtp(app, smtp_server):
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_DEFAULT_SENDER="trainings@example.org")


def registration_form(chosen, **overrides):
    data = {"name": "Layla Hassan", "name_ar": "ليلى حسن", "sex": "female", "organisation": str(chosen.id),
            "organisation_other": "", "position": "Border officer", "email": "layla@example.org",
            "phone": "+964 770 123 4567", "consent": "y"}
    data.update(overrides)
    return data


def training_form(training, **overrides):
    data = {"title": training.title, "title_ar": training.title_ar or "", "start_date": training.start_date.isoformat(),
            "end_date": training.end_date.isoformat(), "venue": training.venue or "", "city": training.city or "",
            "city_ar": training.city_ar or "", "country": training.country, "language": training.language, "timezone": training.timezone,
            "capacity": str(training.capacity), "confirmation_mode": training.confirmation_mode}
    data.update(overrides)
    return data


# --- the rules ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed,one_line_answer,several_lines_answer", [
    ("Layla Hassan", "Layla Hassan", "Layla Hassan"),
    ("  Border\tofficer \r\n", "Border officer", "  Border\tofficer \n"),
    ("line one\r\nline two\rline three\nfour", "line one line two line three four", "line one\nline two\nline three\nfour"),
    # a vertical tab is a line break inside a Word or Excel cell; FF, NEL, U+2028/9 are line breaks too
    ("Train\x0bthe trainers\x0c\x85x\u2028y\u2029z", "Train the trainers  x y z", "Train\nthe trainers\n\nx\ny\nz"),
    ("Lay\x00la\x07 \x1b[31mred\x7f\x9b", "Layla [31mred", "Layla [31mred"),
    (f"Hall {RLO}A12 Baghdad", "Hall A12 Baghdad", "Hall A12 Baghdad"),
    ("".join(BIDI_CONTROLS) + "x", "x", "x"),
    ("\ufeffname\ufffe\uffff\ufdd0", "name", "name"),
    ("lone \ud800 surrogate", "lone  surrogate", "lone  surrogate"),
    ("Zoe\u0308 Ca\u0301ceres", "Zoë Cáceres", "Zoë Cáceres"),  # NFC: one way to store the same name
    # marks, joiners and right-to-left text are kept as typed
    ("\u200fمحمد\u200c\u200d\u200e \u061cعلي", "\u200fمحمد\u200c\u200d\u200e \u061cعلي", "\u200fمحمد\u200c\u200d\u200e \u061cعلي"),
    ("=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")"),  # formulas are the writers' business
])
def test_clean_text_in_one_line_and_several_line_answers(typed, one_line_answer, several_lines_answer):
    assert clean_text(typed) == one_line_answer
    assert clean_text(typed, multiline=True) == several_lines_answer


def test_clean_text_leaves_what_is_not_text_alone():
    assert clean_text(None) is None and clean_text(5) == 5 and clean_text(date(2022, 2, 15)) == date(2022, 2, 15)
    assert clean_text("") == "" and clean_text("   ") == ""


@pytest.mark.parametrize("value,stray", [
    ("a\x00b", True), ("\x1b", True), ("\x7f", True), ("\x9b", True),
    ("a\tb", False), ("a\r\nb", False), ("a\x0bb", False), ("a\x85b", False), (RLO, False), ("ليلى", False), (None, False),
])
def test_stray_controls_are_told_from_white_space_and_line_breaks(value, stray):
    assert has_stray_controls(value) is stray


def test_printable_and_one_line_for_writers():
    assert printable(f"a\x0bb\x00c{RLO}d\x85e\tf\r\ng") == "a\nbcd\ne\tf\r\ng"
    assert printable("clean text, ليلى") == "clean text, ليلى" and printable(None) is None and printable(3) == 3
    from markupsafe import Markup
    marked = printable(Markup(f"<b>{RLO}x</b>"))
    assert marked == "<b>x</b>" and isinstance(marked, Markup)
    assert one_line("Your place: Rights\r\nBcc: victim@example.org\x00") == "Your place: Rights Bcc: victim@example.org"
    assert one_line(None) == ""


# --- every form cleans its text -------------------------------------------------------------------------

def _form_classes():
    for module in pkgutil.walk_packages(training_mgr.__path__, "training_mgr."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    seen, todo = set(), [wtforms.Form]
    while todo:
        for subclass in todo.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                todo.append(subclass)
    return [c for c in seen if c.__module__.startswith("training_mgr.") and c.__module__ != "training_mgr.core.forms"]


def test_every_form_of_the_app_cleans_its_text(app):
    forms = _form_classes()
    assert len(forms) > 30
    not_cleaning = [
        f"{form.__module__}.{form.__name__}" for form in forms
        if not any(issubclass(klass.__dict__["Meta"], CleanTextMeta) for klass in form.__mro__ if "Meta" in klass.__dict__)
    ]
    assert not_cleaning == [], "derive forms from core.forms.FlaskForm or core.forms.Form"


def test_a_training_form_stores_typed_text_cleaned(people, login):
    training = people.training
    response = login(people.officer).post(f"/officer/trainings/{training.id}/edit", data=training_form(
        training, title="Human Rights\r\nat Borders\x0b", venue=f"Hall {RLO}A12", city="Bagh\u200fdad",
        notes="first line\x0bsecond line\r\nthird",
    ))
    assert response.status_code == 302
    db.session.refresh(training)
    assert (training.title, training.venue, training.city) == ("Human Rights at Borders", "Hall A12", "Bagh\u200fdad")
    assert training.notes == "first line\nsecond line\nthird"


@pytest.mark.parametrize("field", ["title", "venue", "notes"])
def test_a_nul_or_other_stray_control_is_refused_beside_its_field(people, login, field):
    """A NUL once made a PostgreSQL save answer 500; it is refused beside its field, the form refilled."""
    training = people.training
    response = login(people.officer).post(f"/officer/trainings/{training.id}/edit", data=training_form(training, **{field: "Hall\x00 7\x1b"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html and "characters that are not allowed" in html
    assert "\x00" not in html
    db.session.refresh(training)
    assert "Hall" not in (getattr(training, field) or "")


def test_a_recommendation_with_a_vertical_tab_is_stored_with_a_line_break(people, login):
    training = people.training
    response = login(people.officer).post(f"/officer/trainings/{training.id}/recommendations", data={
        "text": "Train border staff\x0bon gender-responsive procedures", "theme": f"Rights{RLO} at borders",
        "status": "agreed",
    })
    assert response.status_code == 302
    recommendation = db.session.scalar(select(Recommendation))
    assert recommendation.text == "Train border staff\non gender-responsive procedures"
    assert recommendation.theme == "Rights at borders"


def test_passwords_are_left_exactly_as_typed(app, client):
    from training_mgr.auth.forms import LoginForm

    with app.test_request_context(method="POST", data={"email": " a@example.org\r\n", "password": " pass\tword\u202e "}):
        form = LoginForm()
        assert form.email.data == "a@example.org" and form.password.data == " pass\tword\u202e "


def test_public_registration_stores_a_clean_position_and_name(client):
    organisation = OrganisationFactory()
    training = TrainingSessionFactory()
    response = client.post(f"/sessions/{training.id}/register", data=registration_form(
        organisation, name=f"Layla{RLO} Hassan", position="Chief\r\nof\u2028staff\u202c",
    ))
    assert response.status_code == 302
    participant = db.session.scalar(select(Participant))
    assert (participant.name, participant.position) == ("Layla Hassan", "Chief of staff")


# --- imports ---------------------------------------------------------------------------------------------

def test_an_imported_nomination_list_brings_in_no_control_characters(people):
    OrganisationFactory(name="Ministry of Interior", acronym="MoI")
    data = (
        "name,name_ar,sex,organisation,position,email,phone,nominated_by\n"
        f"\"Ahmed\x0bKadhim\",\"أحمد{RLO} كاظم\",male,MoI,\"Colonel\x1b\r\nChief\",ahmed@moi.gov.iq,,\"DG\u2066 Residency\x07\"\n"
    ).encode("utf-8")
    preview = importing.preview_upload(people.training, "list.csv", data, 5 * 1024 * 1024)
    assert preview.ok, [row.errors for row in preview.rows]
    importing.import_nominations(people.training, "list.csv", [{"line": r.line, **r.values} for r in preview.rows],
                                 by_user=people.officer)
    participant = db.session.scalar(select(Participant).where(Participant.email == "ahmed@moi.gov.iq"))
    assert (participant.name, participant.name_ar, participant.position) == ("Ahmed Kadhim", "أحمد كاظم", "Colonel Chief")
    assert participant.registrations[0].nominated_by == "DG Residency"


# --- writers: text stored before input was cleaned ---------------------------------------------------------
# Rows are written straight to the database here, as they were before the forms cleaned them (with ESC or BEL
# standing for a NUL, which PostgreSQL never stored).

def test_a_vertical_tab_in_a_recommendation_leaves_the_programme_spreadsheet_working(people, login):
    training = CompletedTrainingFactory(title="Rights\x0bat borders", venue=f"Hall {RLO}A12", officers=[people.officer])
    attended(training, ["present"] * 3, participant=ParticipantFactory(name="Layla\x1b Hassan", position=f"Chief {RLO}of staff"))
    RecommendationFactory(training=training, text="Train\x0bthe trainers\x07 =1+1", status="agreed",
                          due_date=date.today() - timedelta(days=10))
    response = login(people.manager).get(f"/dashboard/report.xlsx?{LAST_YEAR}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    cells = [str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "Train\nthe trainers =1+1" in cells and "Rights\nat borders" in cells and "Chief of staff" in cells
    assert not any(has_stray_controls(v) or RLO in v for v in cells)

    response = login(people.officer).get(f"/officer/trainings/{training.id}/participants.csv")
    assert response.status_code == 200
    data = response.data.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(data)))[1]
    assert row[3] == "Layla Hassan" and row[7] == "Chief of staff"
    assert csv_bytes(["a"], [["'x\x00=1\ud800"]]) == "\ufeffa\r\n'x=1\r\n".encode()


def test_a_bidi_override_in_a_venue_or_position_no_longer_reverses_the_pdfs(people, login):
    """U+202E once turned "Hall A12 Baghdad" into "Hall dadhgaB 21A" on the training report."""
    training = CompletedTrainingFactory(venue=f"Hall {RLO}A12 Baghdad", officers=[people.officer])
    attended(training, ["present"] * 3, participant=ParticipantFactory(name=f"Layla {RLO}Hassan", position=f"Chief {RLO}of staff"))
    report = login(people.officer).get(f"/officer/trainings/{training.id}/report.pdf")
    assert report.status_code == 200
    text = pdf_text(report.data)
    assert "Hall A12 Baghdad" in text and "Layla Hassan" in text and RLO not in text

    [certificate], _ = certificates.issue_certificates(training, by_user=people.officer)
    output = pdftotext(certificate.pdf)
    assert "Layla Hassan" in output and RLO not in output

    page = login(people.officer).get(f"/officer/trainings/{training.id}").get_data(as_text=True)
    assert "Hall A12 Baghdad" in page and RLO not in page


def test_a_line_break_in_a_training_title_no_longer_breaks_registration_or_the_mail_queue(app, client, smtp_server):
    """A CR/LF in a title once made every registration answer 500 after saving, and the message stuck in the outbox."""
    use_smtp(app, smtp_server)
    training = TrainingSessionFactory(title="Human Rights\r\nBcc: victim@example.org", city="Bagh\x1bdad")
    response = client.post(f"/sessions/{training.id}/register", data=registration_form(OrganisationFactory()))
    assert response.status_code == 302
    confirmed = next(m for m in smtp_server.messages if "place is confirmed" in m["Subject"])
    assert confirmed["Subject"] == "Your place is confirmed: Human Rights Bcc: victim@example.org"
    assert confirmed["Bcc"] is None and all(m["To"] == "layla@example.org" for m in smtp_server.messages)
    assert "\x1b" not in confirmed.get_body(("plain",)).get_content()
    assert db.session.scalars(select(OutboundEmail.status)).all() == ["sent"] * len(smtp_server.messages)


def test_a_queued_message_with_a_line_break_in_its_subject_is_sent_on_one_line(app, smtp_server):
    use_smtp(app, smtp_server)
    # as a message queued before subjects were cleaned was stored
    db.session.add(OutboundEmail(recipient="layla@example.org", kind="registration.confirmed", locale="en",
                                 subject="Your place\r\nX-Injected: yes", body_text="Hello"))
    db.session.add(OutboundEmail(recipient="ahmed@example.org", kind="registration.confirmed", locale="en",
                                 subject="Behind it", body_text="Hello"))
    db.session.commit()
    assert mail.send_pending(include_future=True) == (2, 0)
    assert [m["Subject"] for m in smtp_server.messages] == ["Your place X-Injected: yes", "Behind it"]
    assert smtp_server.messages[0]["X-Injected"] is None


def test_a_long_title_makes_a_subject_that_fits_its_column(app):
    training = TrainingSessionFactory(title="T" * 300)
    message = mail_messages.compose("layla@example.org", "training.cancelled", "training_cancelled", "en",
                           recipient_name="Layla", training=training, title=training.title, catalogue_url="http://x")
    assert len(message.subject) == 300 and message.subject.endswith("T…")


def test_the_calendar_file_holds_no_control_characters_and_reads_forwards(client):
    training = TrainingSessionFactory(title=f"Rights\x0b{RLO}at borders\x07", venue="Hall\u2028A12", city="Bagh\x85dad")
    response = client.get(f"/sessions/{training.id}.ics")
    assert response.status_code == 200
    lines = unfolded_ics(response.data)
    assert "SUMMARY:Rights\\nat borders" in lines
    assert any(line.startswith("LOCATION:Hall\\nA12") for line in lines)
    assert not any(has_stray_controls(line) or RLO in line or "\x0b" in line or "\x85" in line for line in lines)
    assert ics_escape("a\x0cb\u2029c;d") == "a\\nb\\nc\\;d"


# --- migration: rows stored before ---------------------------------------------------------------------------

def test_the_migration_cleans_rows_stored_before_and_keeps_unique_names_apart(new_database_url):
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from tests.conftest import make_test_config
    from training_mgr import ROOT, create_app

    revision = "0006_clean_stored_text"
    before = ScriptDirectory(str(ROOT / "migrations")).get_revision(revision).down_revision
    app = create_app(make_test_config(new_database_url))
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as connection:
            insert = text("INSERT INTO organisations (id, name, name_ar, kind, created_at) "
                          "VALUES (:id, :name, :name_ar, :kind, CURRENT_TIMESTAMP)")
            connection.execute(insert, [
                {"id": 1, "name": "Ministry of Interior", "name_ar": f"وزارة{RLO} الداخلية\x07", "kind": "ministry"},
                {"id": 2, "name": f"Ministry of Interior{RLO}", "name_ar": None, "kind": "ministry"},  # would collide
                {"id": 3, "name": "Border\r\nPoints\tCommission ", "name_ar": None, "kind": "commission"},
            ])
            connection.execute(text(
                "INSERT INTO courses (id, title, description, default_days, created_at, updated_at) "
                "VALUES (1, :title, :description, 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ), {"title": "Rights\x0bat borders", "description": "line one\r\nline\x0btwo\x1b e\u0301"})
        upgrade(revision=revision)
        with db.engine.connect() as connection:
            names = dict(connection.execute(text("SELECT id, name FROM organisations")).all())
            assert names == {1: "Ministry of Interior", 2: f"Ministry of Interior{RLO}", 3: "Border Points Commission"}
            assert connection.scalar(text("SELECT name_ar FROM organisations WHERE id = 1")) == "وزارة الداخلية"
            title, description = connection.execute(text("SELECT title, description FROM courses")).one()
            assert (title, description) == ("Rights at borders", "line one\nline\ntwo é")
            assert unicodedata.is_normalized("NFC", description)
        downgrade(revision=before)  # nothing to undo, and nothing fails
        db.engine.dispose()


# --- property: hostile text through every form into every export ------------------------------------------

#: characters that have broken pages or files, or could: controls, line breaks, bidi controls and marks,
#: noncharacters, formula triggers, markup and CSV/ICS syntax, decomposed accents, Arabic
HOSTILE = [
    *[chr(c) for c in range(0x00, 0x20)], "\x7f", "\x85", "\x9b", "\r\n", "\u2028", "\u2029", *BIDI_CONTROLS,
    "\u200e", "\u200f", "\u061c", "\u200b", "\u200d", "\ufeff", "\ufffe", "\uffff", "=", "+", "-", "@", "'", '"',
    "<", ">", "&", ";", ",", "\\", "%", "{{", "}}", "e\u0301", "ليلى", "ا", "中", "😀", " ",
]
hostile_text = st.one_of(
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.characters(exclude_categories=("Cs",))), min_size=1, max_size=30).map("".join),
    st.tuples(st.sampled_from(["=", "+", "-", "@", "\t=", "\r=", RLO + "=", "\x0b@"]), st.text(max_size=20)).map("".join),
    st.text(alphabet="بa\u202e\x0b \r\n", min_size=250, max_size=6000),  # very long, an RTL mix
)


def _answered(response):
    """A form answers with a redirect after saving, or with itself and the reasons it refused: never a 500."""
    assert response.status_code in (200, 302, 422), response.status_code
    return response


def _clean_page(response):
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    assert RLO not in page and not has_stray_controls(page)
    return page


@pytest.mark.filterwarnings("ignore")
def test_hostile_text_in_every_form_leaves_every_page_and_export_working(app, people, login, client, smtp_server):
    """Whatever is typed into the forms (training, course, recommendation, organisation, participant, public
    registration, reissue reason), every page answers 200 and every file opens: the programme XLSX and PDF, the
    training report PDF, the participant CSV, the .ics, the registration e-mail and the certificate PDF."""
    use_smtp(app, smtp_server)
    admin, officer = login(people.admin), login(people.officer)
    held = CompletedTrainingFactory(officers=[people.officer], start_date=date.today() - timedelta(days=30))
    registration = attended(held, ["present"] * 3, participant=people.participant.participant)
    RecommendationFactory(training=held, status="agreed", due_date=date.today() - timedelta(days=5))
    upcoming = TrainingSessionFactory(officers=[people.officer], capacity=1000)
    [certificate], _ = certificates.issue_certificates(held, by_user=people.officer)
    certificate_id = [certificate.id]
    participant = login(people.participant)
    examples = iter(range(10_000))

    # no shrinking: each example is some thirty requests and three PDFs, and a failure shows its strings as found
    @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              phases=(Phase.explicit, Phase.reuse, Phase.generate))
    @given(text=hostile_text, lines=hostile_text)
    def check(text, lines):
        n = next(examples)
        short = text[:150]
        # typed into the forms
        _answered(admin.post("/organisations/new", data={"name": short, "kind": "ministry", "country": "IQ"}))
        _answered(admin.post(f"/courses/{held.course_id}/edit", data={
            "title": short, "default_days": "3", "description": lines, "certificate_wording": lines[:500]}))
        for training in (held, upcoming):
            _answered(officer.post(f"/officer/trainings/{training.id}/edit", data=training_form(
                training, title=short, venue=short, city=short[:100], notes=lines[:5000])))
        _answered(officer.post(f"/officer/trainings/{held.id}/recommendations", data={
            "text": lines[:5000], "theme": short, "status": "agreed", "due_date": (date.today() - timedelta(days=1)).isoformat()}))
        _answered(participant.post("/account/profile", data={
            "name": short, "sex": "female", "organisation": str(people.participant.participant.organisation_id),
            "position": short, "locale": "en"}))
        # and as rows stored before input was cleaned could hold it (PostgreSQL never stored a NUL)
        stored = short.replace("\x00", "\x1b")
        held.title = held.venue_ar = upcoming.title = people.participant.participant.name_ar = stored
        db.session.scalar(select(Recommendation).where(Recommendation.training_id == held.id)).theme = stored
        db.session.commit()
        _answered(client.post(f"/sessions/{upcoming.id}/register", data=registration_form(
            people.participant.participant.organisation, name=short, position=short, email=f"hostile{n}@example.org")))
        _answered(client.post(f"/sessions/{upcoming.id}/register", data=registration_form(
            people.participant.participant.organisation, organisation="other", organisation_other=short,
            position=short, email=f"other{n}@example.org")))
        reissued = _answered(officer.post(f"/officer/certificates/{certificate_id[0]}/reissue", data={"reason": lines[:1000]}))
        if reissued.status_code == 302:
            certificate_id[0] = db.session.scalar(
                select(certificates.Certificate.id).where(certificates.Certificate.registration_id == registration.id)
                .order_by(certificates.Certificate.id.desc()))

        # every page
        for page in ("/", f"/sessions/{upcoming.id}", "/organisations", "/courses", f"/courses/{held.course_id}",
                     f"/officer/trainings/{held.id}", f"/officer/trainings/{upcoming.id}/registrations",
                     f"/officer/trainings/{held.id}/recommendations", "/recommendations", f"/dashboard?{LAST_YEAR}"):
            _clean_page(admin.get(page))
        _clean_page(participant.get("/account"))

        # every export opens
        workbook = load_workbook(io.BytesIO(_clean_page_bytes(admin.get(f"/dashboard/report.xlsx?{LAST_YEAR}"))))
        assert workbook.sheetnames
        for training in (held, upcoming):
            rows = list(csv.reader(io.StringIO(_clean_page(officer.get(f"/officer/trainings/{training.id}/participants.csv")))))
            assert rows and (training is upcoming or len(rows) >= 2)
            lines_of_ics = unfolded_ics(_clean_page_bytes(client.get(f"/sessions/{training.id}.ics")))
            assert lines_of_ics[0] == "BEGIN:VCALENDAR" and lines_of_ics[-2:] == ["END:VCALENDAR", ""]
            assert all(":" in line and not has_stray_controls(line) and RLO not in line for line in lines_of_ics[:-1])
        for url in (f"/officer/trainings/{held.id}/report.pdf", f"/dashboard/report.pdf?{LAST_YEAR}",
                    f"/certificates/{certificate_id[0]}.pdf"):
            data = _clean_page_bytes(admin.get(url))
            assert len(PdfReader(io.BytesIO(data)).pages) >= 1
            text_of_pdf = pdftotext(data)
            assert RLO not in text_of_pdf and not has_stray_controls(text_of_pdf)

        # every message was sent, on one-line headers, and nothing is stuck in the outbox
        for message in smtp_server.messages:
            assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
            message.get_body(("plain",)).get_content()
        assert db.session.scalars(select(OutboundEmail).where(OutboundEmail.status != "sent")).all() == []
        db.session.expire_all()

    check()
    assert len(smtp_server.messages) > 0


def _clean_page_bytes(response):
    assert response.status_code == 200, response.status_code
    return response.data


def test_a_nul_in_a_search_box_is_no_server_error(people, login):
    """Searches are not stored, but PostgreSQL refuses a NUL in a query parameter as it does in a row."""
    training = people.training
    client = login(people.admin)
    for url in (f"/officer/trainings/{training.id}/registrations", f"/officer/trainings/{training.id}/registrations/add",
                f"/officer/trainings/{training.id}/certificates", "/courses", "/organisations", "/", "/admin/users"):
        response = client.get(f"{url}?q=Layla%00Hassan%1b%E2%80%AE")
        assert response.status_code == 200, url
        assert "\x00" not in response.get_data(as_text=True)


def test_characters_that_only_hide_text_are_removed_in_and_out_while_joiners_stay():
    hidden = "Ah\u200bmed\U000e0041\u2060 Al\u180eRubaie"
    assert clean_text(hidden) == "Ahmed AlRubaie"
    assert printable(hidden) == "Ahmed AlRubaie"  # stored before the rule: never written out either
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"  # the non-joiner some scripts need inside a word
