"""Every route × every role: who gets the page, who is sent to log in, who is refused.

The matrix below classifies every (endpoint, method) of the URL map. A route that is not in it fails
``test_every_route_is_classified``, so a new page cannot appear without someone deciding who may open
it. URL parameters are filled from one small world: a training managed by ``officer`` with
registrations of participants A and B, a certificate for A, a recommendation, a signatory, a quota …
Ownership is checked with A's objects: B, and staff who do not manage the training, must not get them.
``officer`` also manages the training's course and stewards the quota's organisation; ``other_officer`` manages
a training (and course) of their own and nothing of ``officer``'s, so every write route is tried by an officer on
another officer's training, course and records.
"""
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import url_for

from tests.conftest import _empty_all_tables
from tests.factories import (
    AttendanceMarkFactory, CourseFactory, OrganisationFactory, ParticipantFactory, RecommendationUpdateFactory, RegistrationFactory,
    TrainingSessionFactory, UserFactory,
)
from training_mgr.checkin.tokens import badge_token
from training_mgr.extensions import db
from training_mgr.messages.services import opt_out_token

ROLES = ("anonymous", "participant", "other_participant", "manager", "other_officer", "officer", "admin")

# What a role gets: OK (the page or the action), LOGIN (302 to /login), UNAUTHORIZED (API: 401),
# FORBIDDEN (403), DENIED (403 or 404: someone else's object is as good as unknown).
OK, LOGIN, UNAUTHORIZED, FORBIDDEN, DENIED = "ok", "login", "401", "403", "403/404"


def policy(anonymous=LOGIN, participant=FORBIDDEN, other_participant=FORBIDDEN, manager=FORBIDDEN,
           other_officer=FORBIDDEN, officer=FORBIDDEN, admin=FORBIDDEN):
    return dict(anonymous=anonymous, participant=participant, other_participant=other_participant, manager=manager,
                other_officer=other_officer, officer=officer, admin=admin)


PUBLIC = policy(OK, OK, OK, OK, OK, OK, OK)
ANY_USER = policy(participant=OK, other_participant=OK, manager=OK, other_officer=OK, officer=OK, admin=OK)
ADMIN = policy(admin=OK)
STAFF = policy(manager=OK, other_officer=OK, officer=OK, admin=OK)
EDITORS = policy(other_officer=OK, officer=OK, admin=OK)
MANAGERS = policy(manager=OK, admin=OK)
#: reading a training: managers and admins see all, officers the ones they manage
SESSION_READ = policy(manager=OK, officer=OK, admin=OK)
#: changing a training: its managing officers and admins; managers never write
SESSION_WRITE = policy(officer=OK, admin=OK)
#: changing a course: its managing officers (not every officer) and admins
COURSE_WRITE = policy(officer=OK, admin=OK)
#: changing an organisation: its steward and admins
ORGANISATION_WRITE = policy(officer=OK, admin=OK)
API_STAFF = policy(UNAUTHORIZED, manager=OK, other_officer=OK, officer=OK, admin=OK)
API_SESSION = policy(UNAUTHORIZED, manager=OK, officer=OK, admin=OK)
#: participant A's own registration, through their account
OWN_REGISTRATION = policy(participant=OK, other_participant=DENIED, manager=DENIED, other_officer=DENIED,
                          officer=DENIED, admin=DENIED)
#: a participant's own profile and data export; staff accounts have no participant record
PARTICIPANT_SELF = policy(participant=OK, other_participant=OK, manager=DENIED, other_officer=DENIED,
                          officer=DENIED, admin=DENIED)
#: the officer's own API token, through their account page: anyone else's is as good as unknown
OWN_API_TOKEN = policy(officer=OK, manager=DENIED, other_officer=DENIED, admin=DENIED)
#: A's certificate PDF: A, and the officers who manage the training, and admins
OWN_CERTIFICATE = policy(participant=OK, other_participant=DENIED, other_officer=DENIED, officer=OK, admin=OK)

#: the training's confirmed participants (A and B), logged in; a personal link is tested in test_evaluation_views
REGISTERED_PARTICIPANTS = policy(participant=OK, other_participant=OK)

#: (endpoint, method) -> (policy, statuses that count as OK for a GET)
MATRIX = {
    ("account.home", "GET"): ANY_USER,
    ("account.my_data", "GET"): PARTICIPANT_SELF,
    ("account.password", "GET"): ANY_USER,
    ("account.password", "POST"): ANY_USER,
    ("account.profile", "GET"): PARTICIPANT_SELF,
    ("account.profile", "POST"): PARTICIPANT_SELF,
    ("account.withdraw", "POST"): OWN_REGISTRATION,
    ("account.create_token", "GET"): STAFF,
    ("account.create_token", "POST"): STAFF,
    ("account.revoke_token", "GET"): OWN_API_TOKEN,
    ("account.revoke_token", "POST"): OWN_API_TOKEN,
    ("api.organisations", "GET"): API_STAFF,
    ("api.sessions", "GET"): API_STAFF,
    ("api.session_registrations", "GET"): API_SESSION,
    ("api.session_recommendations", "GET"): API_SESSION,
    ("api.session_evaluation", "GET"): API_SESSION,
    ("attendance.grid", "GET"): SESSION_READ,
    ("attendance.day", "GET"): SESSION_WRITE,
    ("attendance.day", "POST"): SESSION_WRITE,
    ("attendance.mark_all_present", "POST"): SESSION_WRITE,
    ("attendance.send_marks", "POST"): SESSION_WRITE,
    ("attendance.sign_in_sheet", "GET"): SESSION_READ,
    ("checkin.badges", "GET"): SESSION_WRITE,  # a badge's QR code checks its holder in: the training's officers
    ("checkin.badge", "GET"): PUBLIC,  # a badge's personal link: names the training, not the person
    ("checkin.person_badge", "GET"): SESSION_WRITE,  # one person's badge, printed again
    ("checkin.replace_badge", "GET"): SESSION_WRITE,  # replacing a lost badge: the training's officers
    ("checkin.replace_badge", "POST"): SESSION_WRITE,
    ("checkin.scanner", "GET"): SESSION_WRITE,
    ("payments.sheet", "GET"): SESSION_READ,  # managers read it; the POST sets the daily rate
    ("payments.sheet", "POST"): SESSION_WRITE,
    ("payments.download", "GET"): SESSION_READ,
    ("checkin.scan", "POST"): SESSION_WRITE,
    ("checkin.start_time", "POST"): SESSION_WRITE,
    ("checkin.projector", "GET"): SESSION_WRITE,
    ("checkin.projector_code", "GET"): SESSION_WRITE,
    # where the projector's code leads: anyone may open it; only a registered participant is checked in
    ("checkin.self_check_in", "GET"): PUBLIC,
    ("checkin.self_check_in", "POST"): PUBLIC,
    ("audit.index", "GET"): ADMIN,
    ("audit.export", "GET"): ADMIN,
    ("mail.admin_outbox", "GET"): ADMIN,
    ("mail.admin_retry", "POST"): ADMIN,
    ("mail.admin_discard", "GET"): ADMIN,
    ("mail.admin_discard", "POST"): ADMIN,
    ("nominations.index", "GET"): SESSION_READ,
    ("nominations.invite", "POST"): SESSION_WRITE,
    ("nominations.women_target", "POST"): SESSION_WRITE,
    ("nominations.revoke", "GET"): SESSION_WRITE,
    ("nominations.revoke", "POST"): SESSION_WRITE,
    ("nominations.nominees", "GET"): SESSION_READ,
    ("nominations.approve", "POST"): SESSION_WRITE,
    # the focal point's link and the nominee's link: the token is the credential, no account is needed
    ("nominations.focal_point", "GET"): PUBLIC,
    ("nominations.focal_point", "POST"): PUBLIC,
    ("nominations.focal_point_upload", "POST"): PUBLIC,
    ("nominations.focal_point_edit", "GET"): PUBLIC,
    ("nominations.focal_point_edit", "POST"): PUBLIC,
    ("nominations.focal_point_remove", "POST"): PUBLIC,
    ("nominations.nominee", "GET"): PUBLIC,
    ("nominations.nominee", "POST"): PUBLIC,
    ("questions.index", "GET"): SESSION_READ,
    ("messages.index", "GET"): SESSION_READ,
    ("agenda.index", "GET"): SESSION_READ,
    ("letters.index", "GET"): SESSION_READ,
    ("letters.save_settings", "POST"): SESSION_WRITE,
    ("letters.prepare", "POST"): SESSION_WRITE,
    ("letters.letter", "GET"): SESSION_WRITE,  # a confirmed participant's letter: the training's officers
    ("letters.organisation_letterhead", "GET"): ORGANISATION_WRITE,
    ("letters.organisation_letterhead", "POST"): ORGANISATION_WRITE,
    ("agenda.add_slot", "POST"): SESSION_WRITE,
    ("agenda.remove_slot", "POST"): SESSION_WRITE,
    ("agenda.add_facilitator", "POST"): SESSION_WRITE,
    # facilitators are shared: any officer reaches one through a training they manage
    ("agenda.edit_facilitator", "GET"): SESSION_WRITE,
    ("agenda.edit_facilitator", "POST"): SESSION_WRITE,
    ("agenda.remove_facilitator", "POST"): SESSION_WRITE,
    ("agenda.add_material", "POST"): SESSION_WRITE,
    ("agenda.release_material", "POST"): SESSION_WRITE,
    ("agenda.release_all", "POST"): SESSION_WRITE,
    ("agenda.remove_material", "POST"): SESSION_WRITE,
    ("agenda.agenda_pdf", "GET"): PUBLIC,  # like the training's public page
    #: a released material: the training's confirmed participants, its officers and admins
    ("agenda.material", "GET"): policy(participant=OK, other_participant=OK, manager=DENIED, other_officer=DENIED,
                                       officer=OK, admin=OK),
    ("messages.reminder", "POST"): SESSION_WRITE,
    ("messages.compose", "POST"): SESSION_WRITE,
    ("messages.preferences", "GET"): PARTICIPANT_SELF,
    ("messages.preferences", "POST"): PARTICIPANT_SELF,
    ("messages.opt_out", "GET"): PUBLIC,  # the link in a message: whoever holds it (a GET changes nothing)
    ("messages.opt_out", "POST"): PUBLIC,
    ("questions.add", "POST"): SESSION_WRITE,
    ("questions.add_builtin", "POST"): SESSION_WRITE,
    ("questions.retention", "POST"): SESSION_WRITE,
    ("questions.remove", "POST"): SESSION_WRITE,
    ("questions.edit", "GET"): SESSION_WRITE,
    ("questions.edit", "POST"): SESSION_WRITE,
    ("questions.move", "POST"): SESSION_WRITE,
    ("questions.answers", "GET"): SESSION_READ,
    ("questions.export", "GET"): SESSION_READ,
    ("trainings.audit_log", "GET"): SESSION_READ,
    ("trainings.audit_log_export", "GET"): SESSION_READ,
    ("auth.admin_users", "GET"): ADMIN,
    ("auth.admin_user", "GET"): ADMIN,
    ("auth.admin_user_create", "GET"): ADMIN,
    ("auth.admin_user_create", "POST"): ADMIN,
    ("auth.admin_user_role", "GET"): ADMIN,
    ("auth.admin_user_role", "POST"): ADMIN,
    ("auth.admin_user_deactivate", "GET"): ADMIN,
    ("auth.admin_user_deactivate", "POST"): ADMIN,
    ("auth.admin_user_reactivate", "POST"): ADMIN,
    ("auth.admin_user_reset_password", "GET"): ADMIN,
    ("auth.admin_user_reset_password", "POST"): ADMIN,
    ("auth.admin_user_invite", "POST"): ADMIN,
    ("auth.login", "GET"): PUBLIC,
    ("auth.login", "POST"): PUBLIC,
    ("auth.logout", "GET"): PUBLIC,
    ("auth.logout", "POST"): PUBLIC,
    ("auth.password_forgot", "GET"): PUBLIC,
    ("auth.password_forgot", "POST"): PUBLIC,
    ("auth.password_reset", "GET"): PUBLIC,
    ("auth.password_reset", "POST"): PUBLIC,
    ("auth.password_set", "GET"): PUBLIC,
    ("auth.password_set", "POST"): PUBLIC,
    ("catalogue.index", "GET"): PUBLIC,
    ("catalogue.privacy", "GET"): PUBLIC,
    ("catalogue.session_page", "GET"): PUBLIC,
    ("catalogue.session_calendar", "GET"): PUBLIC,
    ("catalogue.register", "GET"): PUBLIC,
    ("catalogue.register", "POST"): PUBLIC,
    ("catalogue.confirm_registration", "GET"): PUBLIC,  # the one-time link mailed for a held registration
    ("catalogue.confirm_registration", "POST"): PUBLIC,
    ("certificates.index", "GET"): SESSION_READ,
    ("certificates.issue", "POST"): SESSION_WRITE,
    ("certificates.export", "GET"): SESSION_WRITE,
    ("certificates.start_export", "POST"): SESSION_WRITE,
    # a bulk job (the world's is an export of the training's certificates): whoever may do the work sees it
    ("bulk.job_page", "GET"): SESSION_WRITE,
    ("bulk.job_status", "GET"): SESSION_WRITE,
    ("bulk.download", "GET"): SESSION_WRITE,
    ("certificates.revoke", "GET"): SESSION_WRITE,
    ("certificates.revoke", "POST"): SESSION_WRITE,
    ("certificates.reissue", "GET"): SESSION_WRITE,
    ("certificates.reissue", "POST"): SESSION_WRITE,
    ("certificates.download", "GET"): OWN_CERTIFICATE,
    ("certificates.verify_form", "GET"): PUBLIC,
    ("certificates.verify", "GET"): PUBLIC,
    ("certificates.verify", "POST"): PUBLIC,
    ("core.healthz", "GET"): PUBLIC,
    ("core.home", "GET"): ANY_USER,
    ("courses.index", "GET"): STAFF,
    ("courses.detail", "GET"): STAFF,
    ("courses.create", "GET"): EDITORS,
    ("courses.create", "POST"): EDITORS,
    ("courses.edit", "GET"): COURSE_WRITE,
    ("courses.edit", "POST"): COURSE_WRITE,
    ("courses.archive", "POST"): COURSE_WRITE,
    ("courses.unarchive", "POST"): COURSE_WRITE,
    ("courses.officers", "GET"): COURSE_WRITE,
    ("courses.officers", "POST"): COURSE_WRITE,
    ("erasure.erase", "GET"): ADMIN,
    ("erasure.erase", "POST"): ADMIN,
    ("organisations.index", "GET"): STAFF,
    ("organisations.create", "GET"): EDITORS,
    ("organisations.create", "POST"): EDITORS,
    ("organisations.edit", "GET"): ORGANISATION_WRITE,
    ("organisations.edit", "POST"): ORGANISATION_WRITE,
    ("organisations.other_names", "GET"): ADMIN,
    ("organisations.map_other", "GET"): ADMIN,
    ("organisations.map_other", "POST"): ADMIN,
    ("evaluation.question_bank", "GET"): COURSE_WRITE,
    ("evaluation.question_bank", "POST"): COURSE_WRITE,
    ("evaluation.edit_question", "GET"): COURSE_WRITE,
    ("evaluation.edit_question", "POST"): COURSE_WRITE,
    ("evaluation.retire_question", "POST"): COURSE_WRITE,
    ("evaluation.default_items", "POST"): COURSE_WRITE,
    ("evaluation.import_questions", "GET"): COURSE_WRITE,
    ("evaluation.import_questions", "POST"): COURSE_WRITE,
    ("evaluation.import_template", "GET"): COURSE_WRITE,
    ("evaluation.overview", "GET"): SESSION_READ,
    ("evaluation.settings", "GET"): SESSION_WRITE,
    ("evaluation.settings", "POST"): SESSION_WRITE,
    ("evaluation.open_now", "POST"): SESSION_WRITE,
    ("evaluation.close_now", "POST"): SESSION_WRITE,
    ("evaluation.paper", "GET"): SESSION_WRITE,
    ("evaluation.paper", "POST"): SESSION_WRITE,
    ("evaluation.test_pdf", "GET"): SESSION_READ,
    ("evaluation.links_pdf", "GET"): SESSION_WRITE,
    # where a participant answers: A and B are both confirmed participants of the training; staff have no answers to give
    ("evaluation.take", "GET"): REGISTERED_PARTICIPANTS,
    ("evaluation.take", "POST"): REGISTERED_PARTICIPANTS,
    ("recommendations.tracker", "GET"): STAFF,
    ("recommendations.index", "GET"): SESSION_READ,
    ("recommendations.detail", "GET"): SESSION_READ,
    ("recommendations.create", "POST"): SESSION_WRITE,
    ("recommendations.edit", "POST"): SESSION_WRITE,
    ("recommendations.add_update", "POST"): SESSION_WRITE,
    ("registrations.index", "GET"): SESSION_READ,
    ("registrations.by_organisation", "GET"): SESSION_READ,
    ("registrations.detail", "GET"): SESSION_READ,
    ("registrations.add", "GET"): SESSION_WRITE,
    ("registrations.add_existing", "POST"): SESSION_WRITE,
    ("registrations.add_new", "POST"): SESSION_WRITE,
    ("registrations.change_status", "POST"): SESSION_WRITE,
    ("registrations.bulk_status", "POST"): SESSION_WRITE,
    ("registrations.import_upload", "GET"): SESSION_WRITE,
    ("registrations.import_upload", "POST"): SESSION_WRITE,
    ("registrations.import_confirm", "POST"): SESSION_WRITE,
    ("registrations.import_template", "GET"): SESSION_WRITE,
    ("reports.dashboard", "GET"): MANAGERS,
    ("reports.programme_pdf", "GET"): MANAGERS,
    ("reports.programme_xlsx", "GET"): MANAGERS,
    ("reports.programme_participants_csv", "GET"): MANAGERS,
    ("reports.session_report", "GET"): SESSION_READ,
    ("reports.session_participants_csv", "GET"): SESSION_READ,
    ("reports.prepare_programme_report", "POST"): MANAGERS,
    ("reports.prepare_session_report", "POST"): SESSION_READ,
    ("static", "GET"): PUBLIC,
    ("reports.officer_home", "GET"): EDITORS,
    ("courses.schedule_training", "GET"): EDITORS,
    ("courses.schedule_training", "POST"): EDITORS,
    ("trainings.detail", "GET"): SESSION_READ,
    ("trainings.edit", "GET"): SESSION_WRITE,
    ("trainings.edit", "POST"): SESSION_WRITE,
    ("trainings.days", "GET"): SESSION_WRITE,
    ("trainings.days", "POST"): SESSION_WRITE,
    ("trainings.update_day", "POST"): SESSION_WRITE,
    ("trainings.remove_day", "POST"): SESSION_WRITE,
    ("trainings.organisers", "GET"): SESSION_WRITE,
    ("trainings.organisers", "POST"): SESSION_WRITE,
    ("trainings.officers", "GET"): SESSION_WRITE,
    ("trainings.officers", "POST"): SESSION_WRITE,
    ("trainings.quotas", "GET"): SESSION_WRITE,
    ("trainings.quotas", "POST"): SESSION_WRITE,
    ("trainings.remove_quota", "POST"): SESSION_WRITE,
    ("trainings.certificate_rule", "GET"): SESSION_WRITE,
    ("trainings.certificate_rule", "POST"): SESSION_WRITE,
    ("trainings.signatories", "GET"): SESSION_WRITE,
    ("trainings.signatories", "POST"): SESSION_WRITE,
    ("trainings.edit_signatory", "GET"): SESSION_WRITE,
    ("trainings.edit_signatory", "POST"): SESSION_WRITE,
    ("trainings.remove_signatory", "POST"): SESSION_WRITE,
    ("trainings.signature_image", "GET"): SESSION_READ,
    ("trainings.change_status", "POST"): SESSION_WRITE,
    ("trainings.cancel", "GET"): SESSION_WRITE,
    ("trainings.cancel", "POST"): SESSION_WRITE,
    # the old officer addresses /officer/sessions/… redirect to /officer/trainings/…, whose rules then apply
    ("trainings.old_officer_url", "GET"): PUBLIC,
    ("trainings.old_officer_url", "POST"): PUBLIC,
}

#: GET answers other than 200 that mean "allowed" (a redirect to where the user belongs, or an action)
OK_GET = {
    "auth.login": {200, 302},  # logged-in users are sent to their home page
    "auth.logout": {200, 302},  # a logged-in user is asked to confirm; anyone else is sent on
    "core.home": {302},
    "certificates.export": {200, 302},  # nothing issued yet: back to the list with a message
    "trainings.old_officer_url": {308},  # a permanent redirect to the page's new address
    "payments.download": {200, 302},  # no daily rate set yet: back to the attendance page with a message
    "evaluation.paper": {200, 302},  # no test set up yet: back to the evaluation page with a message
}
#: an allowed POST with an empty form is handled, not refused: saved and redirected, or shown again with errors
OK_POST = {200, 302, 303, 400, 409, 422}
#: POST answers that mean "allowed" for routes whose answer is neither of those
OK_POST_BY_ENDPOINT = {"trainings.old_officer_url": {308}}

#: URL parameters that depend on the route
ROUTE_PARAMS = {
    "catalogue.confirm_registration": lambda w: {"token": held_registration_token(w)},
    "auth.password_reset": lambda w: {"token": w.reset_token},
    "auth.password_set": lambda w: {"token": w.set_token},
    "certificates.export": lambda w: {"kind": "pdf"},
    "payments.download": lambda w: {"kind": "pdf"},
    "checkin.badge": lambda w: {"token": badge_token(w.params["registration_id"])},
    "checkin.self_check_in": lambda w: {"code": "an-old-code"},
    "letters.letter": lambda w: {"kind": "invitation"},
    "messages.opt_out": lambda w: {"token": opt_out_token(w.params["participant_id"])},
    "registrations.import_template": lambda w: {"kind": "csv"},
    **{endpoint: lambda w: nomination_params(w) for endpoint in (
        "nominations.revoke", "nominations.approve", "nominations.focal_point", "nominations.focal_point_upload",
        "nominations.focal_point_edit", "nominations.focal_point_remove")},
    "nominations.nominee": lambda w: {**nomination_params(w), "token": nomination_params(w)["nominee_token"]},
    **{endpoint: lambda w: {"question_id": registration_question_id(w)} for endpoint in (
        "questions.remove", "questions.edit", "questions.move")},
    **{endpoint: lambda w: {"slot_id": agenda_material(w).slot_id} for endpoint in (
        "agenda.remove_slot", "agenda.add_material")},
    **{endpoint: lambda w: {"material_id": agenda_material(w).id} for endpoint in (
        "agenda.release_material", "agenda.remove_material", "agenda.material")},
    **{endpoint: lambda w: {"facilitator_id": facilitator_id(w)} for endpoint in (
        "agenda.edit_facilitator", "agenda.remove_facilitator")},
    "static": lambda w: {"filename": "css/app.css"},
    "trainings.remove_quota": lambda w: {"organisation_id": w.quota_organisation.id},
    "organisations.map_other": lambda w: {"name": w.typed_organisation},
    "trainings.old_officer_url": lambda w: {"rest": f"{w.params['training_id']}/registrations"},
    "evaluation.edit_question": lambda w: {"question_id": bank_question(w)},
    "evaluation.retire_question": lambda w: {"question_id": bank_question(w)},
    "evaluation.settings": lambda w: {"kind": "pre"},
    "evaluation.open_now": lambda w: {"kind": "pre"},
    "evaluation.close_now": lambda w: {"kind": "pre"},
    "evaluation.paper": lambda w: {"kind": "pre"},
    "evaluation.test_pdf": lambda w: {"kind": "pre", **printable_test(w)},
    "evaluation.take": lambda w: {"slug": "pre"},
    "evaluation.links_pdf": lambda w: {"kind": "reaction"},
}


def bank_question(world) -> int:
    """A knowledge-test question in the bank of the world's course (made once per world)."""
    if not getattr(world, "question_id", None):
        from training_mgr.evaluation.bank import QuestionDetails, create_question
        from training_mgr.courses.models import Course

        course = db.session.get(Course, world.params["course_id"])
        world.question_id = create_question(course, QuestionDetails(
            bank="test", kind="true_false", text="Asylum may be sought at a border.", correct=(0,)),
            by_user=world.users.admin).id
    return world.question_id


def printable_test(world) -> dict:
    """The printable test needs a question in the course's bank; no URL parameter of its own."""
    bank_question(world)
    return {}

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def build_world():
    """Everything the routes' parameters refer to; participants A and B each with an account."""
    from training_mgr.auth.models import ApiToken, UserToken
    from training_mgr.bulk.models import BulkJob
    from training_mgr.certificates.models import Certificate
    from training_mgr.core.db import utcnow
    from training_mgr.core.security import hash_token
    from training_mgr.mail.models import OutboundEmail
    from training_mgr.trainings.models import OrganisationQuota, Signatory

    officer = UserFactory(role="officer")
    other_officer = UserFactory(role="officer")
    person_a, person_b = ParticipantFactory(), ParticipantFactory()
    users = SimpleNamespace(
        participant=UserFactory(role="participant", email=person_a.email, participant=person_a),
        other_participant=UserFactory(role="participant", email=person_b.email, participant=person_b),
        manager=UserFactory(role="manager"),
        other_officer=other_officer,
        officer=officer,
        admin=UserFactory(role="admin"),
    )
    training = TrainingSessionFactory(course=CourseFactory(officers=[officer]), officers=[officer])
    # the other officer manages a training and a course of their own, and nothing of the officer's
    TrainingSessionFactory(course=CourseFactory(officers=[other_officer]), officers=[other_officer])
    registration_a = RegistrationFactory(training=training, participant=person_a)
    RegistrationFactory(training=training, participant=person_b)
    AttendanceMarkFactory(registration=registration_a, session_day=training.days[0])
    update = RecommendationUpdateFactory(recommendation__training=training)
    quota_organisation = OrganisationFactory(steward=officer)
    typed_organisation = "Kurdistan Region Border Office"
    ParticipantFactory(organisation=None, organisation_other=typed_organisation)
    signatory = Signatory(training_id=training.id, name="Head of Mission", title="Chief of Mission",
                          signature_image=PNG_1x1, signature_mimetype="image/png")
    certificate = Certificate(registration_id=registration_a.id, serial="TM-2026-0001", year=2026, sequence=1,
                              code="7K3M-Q9PX-2HDT-W4NB", issued_on=training.end_date, pdf=blank_pdf(),
                              pdf_sha256="0" * 64)
    reset_token, set_token = "reset-token-for-matrix", "set-token-for-matrix"
    failed_message = OutboundEmail(recipient=person_a.email, kind="registration.confirmed", subject="Your place",
                                   body_text="Dear A,", status="failed", attempts=1, last_error="SMTPRecipientsRefused: 550")
    api_token = ApiToken(user_id=officer.id, name="officer's script", token_hash=hash_token("api-token-for-matrix"),
                         prefix="tm_matrix")
    export_job = BulkJob(kind="certificates.export", training_id=training.id, started_by_id=officer.id, status="done",
                         params={"format": "pdf"}, total=1, done=1, result=blank_pdf(),
                         result_filename="certificates.pdf", result_mimetype="application/pdf")
    db.session.add_all([
        api_token, failed_message, export_job,
        OrganisationQuota(training_id=training.id, organisation_id=quota_organisation.id, max_seats=2),
        signatory, certificate,
        *(UserToken(user=users.participant, purpose=purpose, token_hash=hash_token(plain),
                    expires_at=utcnow() + timedelta(hours=1))
          for purpose, plain in (("reset_password", reset_token), ("set_password", set_token))),
    ])
    db.session.commit()
    params = {
        "training_id": training.id,
        "registration_id": registration_a.id,
        "recommendation_id": update.recommendation.id,
        "day_id": training.days[0].id,
        "organisation_id": quota_organisation.id,
        "signatory_id": signatory.id,
        "certificate_id": certificate.id,
        "course_id": training.course_id,
        "code": certificate.code,
        "participant_id": person_a.id,
        "token_id": api_token.id,
        "user_id": users.other_participant.id,
        "message_id": failed_message.id,
        "job_id": export_job.id,
    }
    return SimpleNamespace(users=users, params=params, quota_organisation=quota_organisation,
                           typed_organisation=typed_organisation, reset_token=reset_token, set_token=set_token)


def nomination_params(world) -> dict:
    """An invitation of the world's training with one nomination: their ids, the link's token and the nominee's
    (made once per world; a key a route does not take goes to the query string, where it is ignored)."""
    if not hasattr(world, "nomination"):
        from training_mgr.core.security import hash_token
        from training_mgr.nominations import services as nominations
        from training_mgr.nominations.inputs import InvitationDetails, NomineeDetails
        from training_mgr.trainings.models import TrainingSession

        training = db.session.get(TrainingSession, world.params["training_id"])
        invitation, token = nominations.invite(training, InvitationDetails(
            organisation_id=world.quota_organisation.id, focal_point_name="Focal Point", focal_point_email="fp@example.org",
            seats=2, deadline=training.start_date - timedelta(days=1)), by_user=None)
        nomination, _within = nominations.nominate(invitation, NomineeDetails(name="Nominee", sex="female",
                                                                              email="nominee@example.org"))
        nomination.confirm_token_hash = hash_token("nominee-token-for-matrix")
        db.session.commit()
        world.nomination = {"invitation_id": invitation.id, "nomination_id": nomination.id, "token": token,
                            "nominee_token": "nominee-token-for-matrix"}
    return dict(world.nomination)


def registration_question_id(world) -> int:
    """A question on the world's training's registration form (one per call)."""
    from training_mgr.questions.models import RegistrationQuestion

    question = RegistrationQuestion(training_id=world.params["training_id"], kind="short_text", label="Nationality")
    db.session.add(question)
    db.session.commit()
    return question.id


def facilitator_id(world) -> int:
    """A facilitator who leads no slot (one per call)."""
    from training_mgr.agenda.models import Facilitator

    facilitator = Facilitator(name="Dr. Layla Hassan")
    db.session.add(facilitator)
    db.session.commit()
    return facilitator.id


def agenda_material(world):
    """A released file on a new slot of the world's training's first day (one per call)."""
    from datetime import time

    from training_mgr.agenda.models import AgendaSlot, Material
    from training_mgr.trainings.models import SessionDay

    day = db.session.query(SessionDay).filter_by(training_id=world.params["training_id"]).order_by(SessionDay.date).first()
    material = Material(kind="file", title="Slides", filename="slides.pdf", mime_type="application/pdf", size=8,
                        data=b"%PDF-1.4", released_at=db.func.now(),
                        slot=AgendaSlot(day_id=day.id, starts_at=time(9), ends_at=time(10), title="Opening"))
    db.session.add(material)
    db.session.commit()
    return material


def held_registration_token(world) -> str:
    """The link token of a new person's registration held on the world's training (one per call)."""
    from training_mgr.core.db import utcnow
    from training_mgr.core.security import hash_token
    from training_mgr.registrations.models import Registration

    token = f"held-token-{ParticipantFactory().id}"
    participant_id = int(token.rsplit("-", 1)[1])
    db.session.add(Registration(training_id=world.params["training_id"], participant_id=participant_id,
                                status="pending", source="online", held_until=utcnow() + timedelta(hours=1),
                                hold_token_hash=hash_token(token)))
    db.session.commit()
    return token


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def url_of(app, world, rule):
    values = {name: world.params[name] for name in rule.arguments if name in world.params}
    values.update(ROUTE_PARAMS.get(rule.endpoint, lambda w: {})(world))
    missing = set(rule.arguments) - set(values)
    assert not missing, f"no value for {missing} in {rule.rule}: add it to the world or ROUTE_PARAMS"
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def request_as(app, world, role, method, url):
    client = app.test_client() if role == "anonymous" else app.test_client(user=getattr(world.users, role))
    if method == "GET":
        return client.get(url)
    return client.post(url, data={}, content_type="multipart/form-data")


def outcome_matches(expected, response, endpoint, method):
    status = response.status_code
    if expected == LOGIN:
        return status == 302 and response.location.split("?")[0].endswith("/login")
    if expected == UNAUTHORIZED:
        return status == 401
    if expected == FORBIDDEN:
        return status == 403
    if expected == DENIED:
        return status in (403, 404)
    if method == "GET":
        return status in OK_GET.get(endpoint, {200})
    return status in OK_POST_BY_ENDPOINT.get(endpoint, OK_POST) and not (status == 302 and response.location.split("?")[0].endswith("/login"))


def test_every_route_is_classified(app):
    seen = {(rule.endpoint, method) for rule, method in routes(app)}
    unclassified = sorted(seen - set(MATRIX))
    assert not unclassified, f"New routes: decide who may open them and add them to MATRIX: {unclassified}"
    stale = sorted(set(MATRIX) - seen)
    assert not stale, f"MATRIX lists routes that no longer exist: {stale}"


def _route_ids():
    return [f"{endpoint} {method}" for endpoint, method in MATRIX]


@pytest.mark.parametrize("endpoint, method", list(MATRIX), ids=_route_ids())
def test_route_answers_each_role_as_the_matrix_says(app, endpoint, method):
    rule = next((r for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods), None)
    if rule is None:
        pytest.skip(f"{endpoint} {method} is not a route (test_every_route_is_classified reports it)")
    expected = MATRIX[(endpoint, method)]
    world = build_world()
    wrong = []
    # Refusals first, on the same world: a refused request changes nothing. Every allowed POST then
    # gets a fresh world, so one role's action (say, removing a day) does not change what the next finds.
    refused = [role for role in ROLES if expected[role] != OK or method == "GET"]
    allowed_posts = [role for role in ROLES if expected[role] == OK and method == "POST"]
    for role in refused + allowed_posts:
        if role in allowed_posts and role != allowed_posts[0]:
            db.session.remove()
            _empty_all_tables()
            world = build_world()
        url = url_of(app, world, rule)
        response = request_as(app, world, role, method, url)
        if not outcome_matches(expected[role], response, endpoint, method):
            where = f" -> {response.location}" if response.status_code in (301, 302, 303) else ""
            wrong.append(f"{role}: expected {expected[role]}, got {response.status_code}{where}")
    assert not wrong, f"{method} {rule.rule}:\n  " + "\n  ".join(wrong)


# --- ownership by changing the id in the URL --------------------------------------------------


def test_a_participant_cannot_open_another_participants_certificate_by_changing_the_id(app):
    world = build_world()
    a, b = world.users.participant, world.users.other_participant
    url = f"/certificates/{world.params['certificate_id']}.pdf"
    assert app.test_client(user=a).get(url).status_code == 200
    assert app.test_client(user=b).get(url).status_code in (403, 404)
    # and guessing neighbouring ids reveals nothing either
    for certificate_id in (world.params["certificate_id"] + 1, 999_999):
        assert app.test_client(user=b).get(f"/certificates/{certificate_id}.pdf").status_code in (403, 404)


def test_a_participant_cannot_withdraw_another_participants_registration(app):
    from training_mgr.registrations.models import Registration

    world = build_world()
    registration_id = world.params["registration_id"]
    response = app.test_client(user=world.users.other_participant).post(f"/account/registrations/{registration_id}/withdraw")
    assert response.status_code in (403, 404)
    assert db.session.get(Registration, registration_id).status == "confirmed"


def test_the_data_export_holds_only_the_participants_own_data(app):
    world = build_world()
    a, b = world.users.participant, world.users.other_participant
    export = app.test_client(user=a).get("/account/my-data.json")
    assert export.status_code == 200
    assert a.email in export.text and b.email not in export.text
    assert b.participant.name not in export.text


def test_an_officer_cannot_reach_another_trainings_registration_through_their_own_training(app):
    """Right training id in the URL, someone else's registration id: not found, not shown."""
    world = build_world()
    foreign = RegistrationFactory(training=TrainingSessionFactory(officers=[world.users.other_officer]))
    training_id = world.params["training_id"]
    officer = app.test_client(user=world.users.officer)
    assert officer.get(f"/officer/trainings/{training_id}/registrations/{foreign.id}").status_code == 404
    response = officer.post(f"/officer/trainings/{training_id}/registrations/{foreign.id}/status",
                            data={"status": "rejected", "reason": "test"})
    assert response.status_code == 404
    assert db.session.get(type(foreign), foreign.id).status == "confirmed"


def test_an_api_token_of_an_officer_reads_only_their_trainings(app):
    from training_mgr.auth.services import create_api_token

    world = build_world()
    _, plain = create_api_token(world.users.other_officer, "script")
    bearer = {"Authorization": f"Bearer {plain}"}
    client = app.test_client()
    assert client.get(f"/api/v1/sessions/{world.params['training_id']}/registrations", headers=bearer).status_code == 403
    listed = client.get("/api/v1/sessions", headers=bearer).json["items"]
    assert world.params["training_id"] not in {item["id"] for item in listed}
