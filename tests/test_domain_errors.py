"""Every rule's refusal is one kind of error (``core.domain.DomainError``), which views show in one way:
beside the field it belongs to, or in a flash message."""
import pytest
from flask import get_flashed_messages
from wtforms import StringField

from training_mgr.attendance.services import AttendanceError
from training_mgr.auth.services import AccountError, WrongPassword
from training_mgr.catalogue.services import AlreadyRegistered
from training_mgr.certificates.services import CertificateError
from training_mgr.core.domain import DomainError, shows_domain_errors
from training_mgr.core.forms import FieldError, Form
from training_mgr.courses.services import CourseError
from training_mgr.mail.admin import OutboxError
from training_mgr.organisations.services import OrganisationError
from training_mgr.erasure.services import ErasureError
from training_mgr.recommendations.services import RecommendationError
from training_mgr.registrations.holds import HoldLinkInvalid
from training_mgr.registrations.importing import NominationImportError
from training_mgr.registrations.services import ReasonRequired, RegistrationError
from training_mgr.trainings.services import TrainingError

SERVICE_ERRORS = (
    AttendanceError, AccountError, WrongPassword, AlreadyRegistered, CertificateError, CourseError, OutboxError,
    OrganisationError, ErasureError, RecommendationError, HoldLinkInvalid, NominationImportError, ReasonRequired,
    RegistrationError, TrainingError,
)
#: errors that always belong to one field of their form, and errors answered with another status than 422
CLASS_FIELDS = {ReasonRequired: "reason", AlreadyRegistered: "email"}
CLASS_STATUSES = {HoldLinkInvalid: 404, AlreadyRegistered: 409}


@pytest.mark.parametrize("error_class", SERVICE_ERRORS, ids=lambda cls: cls.__name__)
def test_every_service_error_is_a_domain_error_with_message_field_and_status(error_class):
    error = error_class("Not now.")
    assert isinstance(error, DomainError) and isinstance(error, ValueError)
    assert (error.message, str(error)) == ("Not now.", "Not now.")
    assert error.field == CLASS_FIELDS.get(error_class)
    assert error.status == CLASS_STATUSES.get(error_class, 422)
    assert error_class("Too long.", "title").field == "title"


def test_field_error_is_the_domain_error():
    assert FieldError is DomainError


class TitleForm(Form):
    title = StringField()


def test_an_error_of_a_field_is_shown_beside_it_and_the_block_stops(app):
    with app.test_request_context("/"):
        form = TitleForm()
        with shows_domain_errors(form) as outcome:
            raise TrainingError("A training needs a title.", "title")
            pytest.fail("the block goes on after the error")  # pragma: no cover
        assert outcome.refused
        assert form.title.errors == ["A training needs a title."]
        assert get_flashed_messages() == []


def test_an_error_without_a_field_is_flashed(app):
    with app.test_request_context("/"):
        form = TitleForm()
        with shows_domain_errors(form):
            raise RegistrationError("No seat is free.")
        with shows_domain_errors(category="warning"):
            raise OutboxError("This message was sent meanwhile.")
        assert not form.title.errors
        assert get_flashed_messages(with_categories=True) == [
            ("danger", "No seat is free."), ("warning", "This message was sent meanwhile."),
        ]


def test_a_field_given_as_target_takes_every_error(app):
    with app.test_request_context("/"):
        form = TitleForm()
        with shows_domain_errors(form.title):
            raise CertificateError("Give a reason.")
        assert form.title.errors == ["Give a reason."]


def test_other_errors_pass_through_and_success_is_not_refused(app):
    with app.test_request_context("/"):
        with shows_domain_errors() as outcome:
            pass
        assert not outcome.refused
        with pytest.raises(KeyError), shows_domain_errors():
            raise KeyError("a bug is not a refusal")
