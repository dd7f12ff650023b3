"""A certificate attests what was issued: the names, organisation and training title it printed are kept with
it; renaming the holder or the training changes neither the PDF nor the verification page; a reissue prints
them anew, audit-logged; certificates issued before the columns existed were filled in by the migration."""
import importlib

from flask_migrate import upgrade
from sqlalchemy import select, text

from tests.conftest import make_test_config
from tests.factories import CompletedTrainingFactory, OrganisationFactory, ParticipantFactory, attended
from tests.pdf_reading import pdftotext_lines
from training_mgr import create_app
from training_mgr.audit.models import AuditEntry
from training_mgr.certificates import services
from training_mgr.extensions import db


def issue_one(officer=None, **participant):
    training = CompletedTrainingFactory(officers=[officer] if officer else [], title="Border management",
                                        title_ar="إدارة الحدود")
    person = ParticipantFactory(name="Zainab Hussein", name_ar="زينب حسين",
                                organisation=OrganisationFactory(name="Ministry of Interior", name_ar="وزارة الداخلية"),
                                **participant)
    attended(training, ["present"] * 3, participant=person)
    [certificate], _ = services.issue_certificates(training, by_user=officer)
    return certificate


def test_renaming_the_holder_leaves_the_verification_page_and_the_pdf_as_issued(people, client):
    certificate = issue_one(people.officer)
    assert (certificate.printed_name, certificate.printed_name_ar, certificate.printed_organisation,
            certificate.printed_title) == ("Zainab Hussein", "زينب حسين", "Ministry of Interior", "Border management")
    issued_pdf = certificate.pdf
    person, training = certificate.registration.participant, certificate.registration.training
    person.name, person.name_ar, training.title = "Zainab Renamed", "زينب المعدلة", "Another title"
    db.session.commit()

    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Zainab Hussein" in page and "زينب حسين" in page and "Border management" in page
    assert "Zainab Renamed" not in page and "زينب المعدلة" not in page and "Another title" not in page
    db.session.refresh(certificate)
    assert certificate.pdf == issued_pdf


def test_a_reissue_prints_the_new_name_and_the_audit_log_says_what_changed(people, client):
    certificate = issue_one(people.officer)
    certificate.registration.participant.name = "Zainab Hussein Al-Jubouri"
    db.session.commit()
    new = services.reissue_certificate(certificate, "Surname was missing", by_user=people.officer)

    assert new.printed_name == "Zainab Hussein Al-Jubouri"
    assert "Zainab Hussein Al-Jubouri" in pdftotext_lines(new.pdf)
    assert "Zainab Hussein Al-Jubouri" in client.get(f"/verify/{new.code}").get_data(as_text=True)
    old_page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Revoked certificate." in old_page and "Zainab Hussein Al-Jubouri" not in old_page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.reissued"))
    assert entry.changes["printed_name"] == ["Zainab Hussein", "Zainab Hussein Al-Jubouri"]


def test_erasing_the_holder_drops_the_names_kept_with_the_certificate(people, client):
    from training_mgr.erasure.services import erase_participant

    certificate = issue_one(people.officer)
    erase_participant(certificate.registration.participant, by_user=people.admin)
    db.session.refresh(certificate)
    assert certificate.printed_name is None and certificate.printed_name_ar is None
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Zainab" not in page and "Valid certificate." in page


def test_the_migration_fills_in_what_certificates_issued_before_it_printed(new_database_url):
    """Its backfill, run on a certificate whose printed text is missing, as every one issued before it was."""
    migration = importlib.import_module("migrations.versions.0016_certificate_printed_text")
    app = create_app(make_test_config(new_database_url))
    with app.app_context():
        upgrade()
        issue_one()
        db.session.execute(text("UPDATE certificates SET printed_name = NULL, printed_name_ar = NULL, "
                                "printed_organisation = NULL, printed_organisation_ar = NULL, printed_title = NULL, "
                                "printed_title_ar = NULL"))
        db.session.execute(text(migration.BACKFILL))
        row = db.session.execute(text(
            "SELECT printed_name, printed_name_ar, printed_organisation, printed_organisation_ar, printed_title,"
            " printed_title_ar FROM certificates")).one()
        assert tuple(row) == ("Zainab Hussein", "زينب حسين", "Ministry of Interior", "وزارة الداخلية",
                              "Border management", "إدارة الحدود")
        db.session.remove()
        db.engine.dispose()


def test_the_verification_page_lists_the_organisers_in_the_readers_language(people, client):
    from training_mgr.trainings.models import SessionOrganiser

    certificate = issue_one(people.officer)
    training = certificate.registration.training
    for n, (name, name_ar) in enumerate((("IOM", "المنظمة الدولية للهجرة"), ("UNOCT", "مكتب مكافحة الإرهاب"))):
        organisation = OrganisationFactory(name=name, name_ar=name_ar)
        training.organisers.append(SessionOrganiser(organisation=organisation, role="co_organiser", position=n + 10))
        db.session.commit()
    page = client.get(f"/verify/{certificate.code}?lang=ar").get_data(as_text=True)
    assert "<bdi>المنظمة الدولية للهجرة</bdi> و<bdi>مكتب مكافحة الإرهاب</bdi>" in page
