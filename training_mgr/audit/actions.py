"""Every kind of change the audit log records: its name in the filter and the export, and the sentence that tells
it ("Programme officer Layla marked Ahmed late on Feb 16, 2022."), in the reader's language.

A feature records a change with ``audit.services.record(user, "<action>", obj, summary, details={...})``; the
``details`` are the values the action's sentence names (see ``audit.sentences`` for how each kind of value is
shown). An action recorded without an entry here is logged as an error and read as its summary;
``tests/test_audit_actions.py`` reads every ``record`` call of the code and fails for such an action, and for
details that do not give a sentence what it names.
"""
from dataclasses import dataclass, field
from typing import Callable

from flask_babel import LazyString, gettext as _, lazy_gettext as _l, ngettext

from ..core.labels import RECOMMENDATION_STATUS_LABELS, SESSION_STATUS_LABELS


@dataclass(frozen=True)
class Action:
    #: the change's name ("Attendance marked")
    label: LazyString
    #: the sentence, with ``%(who)s`` for whoever made the change and ``%(key)s`` for each value of the details;
    #: a function of the shown values (``count`` also as the number ``num``) for a sentence with plural forms
    sentence: LazyString | Callable[[dict], str]
    #: labels of the codes some values hold, beyond those every action shares (``sentences.CODES``)
    codes: dict = field(default_factory=dict)


def _counted(singular: str, plural: str) -> Callable[[dict], str]:
    """A sentence whose words follow ``num`` (``ngettext``), for the language's plural forms."""
    return lambda values: ngettext(singular, plural, **values)


_TRAINING_STATUS = {"status": SESSION_STATUS_LABELS, "old_status": SESSION_STATUS_LABELS}
_RECOMMENDATION_STATUS = {"status": RECOMMENDATION_STATUS_LABELS, "old_status": RECOMMENDATION_STATUS_LABELS}

ACTIONS = {
    # attendance and check-in
    "attendance.create": Action(_l("Attendance marked"), _l("%(who)s marked %(name)s %(mark)s on %(day)s.")),
    "attendance.update": Action(_l("Attendance changed"), _l("%(who)s marked %(name)s %(mark)s on %(day)s.")),
    "attendance.delete": Action(_l("Attendance mark removed"),
                                _l("%(who)s removed the mark “%(mark)s” of %(name)s on %(day)s.")),
    "attendance.check_in": Action(_l("Checked in"), _l("%(who)s checked %(name)s in on %(day)s: %(mark)s.")),
    "badge.replace": Action(_l("Badge replaced"), _l(
        "%(who)s replaced the badge of %(name)s by badge no. %(number)s; the old one checks nobody in: %(reason)s")),
    "attendance.mark_all_present": Action(_l("Everyone marked present"), _counted(
        "%(who)s marked %(count)s participant present on %(day)s.",
        "%(who)s marked %(count)s participants present on %(day)s.")),
    "session_day.start_time": Action(_l("Start time of a day set"),
                                     _l("%(who)s set the time after which an arrival on %(day)s is late.")),
    # registrations
    "registration.create": Action(_l("Registered"), _l("%(who)s registered %(name)s: %(status)s.")),
    "registration.return": Action(_l("Registered again"), _l("%(who)s registered %(name)s again: %(status)s.")),
    **{f"registration.{status}": Action(label, _l(
        "%(who)s changed the registration of %(name)s from %(old_status)s to %(status)s."))
       for status, label in (("confirmed", _l("Registration approved")), ("rejected", _l("Registration rejected")),
                             ("waitlisted", _l("Moved to the waiting list")),
                             ("withdrawn", _l("Registration withdrawn")),
                             ("pending", _l("Registration back to pending")))},
    "registration.beyond_quota": Action(_l("Approved beyond the quota"),
                                        _l("%(who)s approved %(name)s beyond the nomination quota.")),
    "registration.promote": Action(_l("Promoted from the waiting list"),
                                   _l("%(who)s gave %(name)s a seat freed on the waiting list.")),
    "registration.hold": Action(_l("Registration held"), _l(
        "%(name)s was registered on the public form and held until the person confirms by e-mail.")),
    "registration.confirm_hold": Action(_l("Held registration confirmed"),
                                        _l("%(name)s confirmed their registration: %(status)s.")),
    "registration.decline": Action(_l("Held registration declined"),
                                   _l("%(name)s said they did not ask for the registration held for them.")),
    "registration.release": Action(_l("Held registration released"),
                                   _l("The registration held for %(name)s was released: not confirmed in time.")),
    "registration.refused": Action(_l("Public registration refused"), _l(
        "Someone registered on the public form with the address of the account %(email)s: nothing was registered.")),
    "registration.import": Action(_l("Nominations imported"), _counted(
        "%(who)s imported %(count)s nomination from %(filename)s.",
        "%(who)s imported %(count)s nominations from %(filename)s.")),
    # participants
    "participant.create": Action(_l("Person added"), _l("%(who)s added %(name)s.")),
    "participant.update": Action(_l("Person's details changed"), _l("%(who)s changed the details of %(name)s.")),
    "participant.erase": Action(_l("Person's details erased"),
                                _l("%(who)s erased the details of participant no. %(number)s on request.")),
    "participant.anonymise": Action(_l("Person's details erased after the retention period"), _l(
        "%(who)s erased the details of participant no. %(number)s: their latest training ended before %(date)s.")),
    # certificates
    "certificate.issued": Action(_l("Certificate issued"), _l("%(who)s issued certificate %(serial)s to %(name)s.")),
    "certificate.reissued": Action(_l("Certificate reissued"),
                                   _l("%(who)s reissued the certificate of %(name)s as %(serial)s.")),
    "certificate.revoked": Action(_l("Certificate revoked"),
                                  _l("%(who)s revoked certificate %(serial)s of %(name)s.")),
    # trainings
    "training.create": Action(_l("Training scheduled"), _l("%(who)s scheduled the training %(title)s.")),
    "training.update": Action(_l("Training edited"), _l("%(who)s edited the training %(title)s.")),
    "training.open": Action(_l("Training opened"), _l("%(who)s opened the training %(title)s for registration."),
                            _TRAINING_STATUS),
    "training.reopen": Action(_l("Registration reopened"),
                              _l("%(who)s opened the training %(title)s for registration again."), _TRAINING_STATUS),
    "training.close": Action(_l("Registration closed"),
                             _l("%(who)s closed registration for the training %(title)s."), _TRAINING_STATUS),
    "training.complete": Action(_l("Training completed"), _l("%(who)s marked the training %(title)s completed."),
                                _TRAINING_STATUS),
    "training.cancel": Action(_l("Training cancelled"), _l("%(who)s cancelled the training %(title)s."),
                              _TRAINING_STATUS),
    "training.day_add": Action(_l("Day added"), _l("%(who)s added %(day)s to the training.")),
    "training.day_update": Action(_l("Day renamed"), _l("%(who)s renamed %(day)s in the agenda.")),
    "training.day_remove": Action(_l("Day removed"), _l("%(who)s removed %(day)s from the training.")),
    "training.organisers": Action(_l("Organisers set"), _l("%(who)s set the organisers of the training.")),
    "training.officers": Action(_l("Managing officers set"), _l("%(who)s set the managing officers of the training.")),
    "training.quota_set": Action(_l("Quota set"), _counted(
        "%(who)s gave %(organisation)s a quota of %(count)s seat.",
        "%(who)s gave %(organisation)s a quota of %(count)s seats.")),
    "training.quota_remove": Action(_l("Quota removed"), _l("%(who)s removed the quota of %(organisation)s.")),
    "training.certificate_rule": Action(_l("Certificate rule changed"), _l("%(who)s changed the certificate rule.")),
    "training.signatory_add": Action(_l("Signatory added"), _l("%(who)s added %(name)s as a signatory.")),
    "training.signatory_update": Action(_l("Signatory edited"), _l("%(who)s edited the signatory %(name)s.")),
    "training.signatory_remove": Action(_l("Signatory removed"), _l("%(who)s removed the signatory %(name)s.")),
    "training.women_target": Action(_l("Gender balance target set"),
                                    _l("%(who)s changed the gender balance target of the training.")),
    "training.daily_rate": Action(_l("Daily rate set"), _l("%(who)s changed the daily rate of the training.")),
    "training.sensitive_retention": Action(_l("Keeping of sensitive answers set"),
                                           _l("%(who)s changed how long sensitive answers are kept.")),
    # courses and organisations
    "course.create": Action(_l("Course created"), _l("%(who)s created the course %(title)s.")),
    "course.update": Action(_l("Course edited"), _l("%(who)s edited the course %(title)s.")),
    "course.archive": Action(_l("Course archived"), _l("%(who)s archived the course %(title)s.")),
    "course.unarchive": Action(_l("Course restored"), _l("%(who)s restored the course %(title)s.")),
    "course.officers": Action(_l("Course officers set"), _l("%(who)s set the managing officers of the course %(title)s.")),
    "organisation.create": Action(_l("Organisation created"), _l("%(who)s created the organisation %(organisation)s.")),
    "organisation.update": Action(_l("Organisation edited"), _l("%(who)s edited the organisation %(organisation)s.")),
    "organisation.map_other": Action(_l("Typed-in organisation mapped"), _counted(
        "%(who)s gave %(count)s participant who typed %(typed)s the organisation %(organisation)s.",
        "%(who)s gave %(count)s participants who typed %(typed)s the organisation %(organisation)s.")),
    # accounts
    "user.create": Action(_l("Account created"), _l("%(who)s created an account for %(email)s: %(role)s.")),
    "user.invite": Action(_l("Invitation sent"),
                          _l("%(who)s sent %(email)s an invitation to choose a password.")),
    "user.role_change": Action(_l("Role changed"),
                               _l("%(who)s changed the role of %(email)s from %(old_role)s to %(role)s.")),
    "user.deactivate": Action(_l("Account deactivated"), _l("%(who)s deactivated the account %(email)s.")),
    "user.reactivate": Action(_l("Account reactivated"), _l("%(who)s reactivated the account %(email)s.")),
    "user.password_reset_forced": Action(_l("Password reset forced"), _l(
        "%(who)s cleared the password of %(email)s and sent a link to choose a new one.")),
    "user.password_reset_requested": Action(_l("Password reset asked for"),
                                            _l("%(who)s asked for a link to choose a new password.")),
    "user.reset_password": Action(_l("Password reset"), _l("%(who)s chose a new password with an e-mailed link.")),
    "user.set_password": Action(_l("Password chosen"), _l("%(who)s chose a password with an e-mailed invitation.")),
    "user.password_change": Action(_l("Password changed"), _l("%(who)s changed their password.")),
    "user.language": Action(_l("Language chosen"), _l("%(who)s chose %(language)s for e-mails and pages.")),
    "api_token.create": Action(_l("API token created"), _l("%(who)s created the API token %(token)s.")),
    "api_token.revoke": Action(_l("API token revoked"), _l("%(who)s revoked the API token %(token)s of %(email)s.")),
    # e-mail
    "mail.retry": Action(_l("E-mail sent again"), _l("%(who)s sent the message %(subject)s to %(email)s again.")),
    "mail.discard": Action(_l("E-mail discarded"), _l("%(who)s discarded the message %(subject)s to %(email)s.")),
    "messages.send": Action(_l("Message sent"), _counted(
        "%(who)s sent the message %(subject)s to %(count)s person.",
        "%(who)s sent the message %(subject)s to %(count)s people.")),
    "messages.reminders": Action(_l("Reminders set"), _l("%(who)s changed when reminders are sent.")),
    # nominations
    "nomination.invite": Action(_l("Organisation invited to nominate"), _counted(
        "%(who)s invited %(organisation)s to nominate %(count)s official by %(date)s (focal point: %(focal_point)s).",
        "%(who)s invited %(organisation)s to nominate %(count)s officials by %(date)s (focal point: %(focal_point)s).")),
    "nomination.revoke": Action(_l("Nomination link revoked"),
                                _l("%(who)s revoked the nomination link of %(organisation)s.")),
    "nomination.reminder": Action(_l("Nomination reminder sent"),
                                  _l("The nomination deadline was recalled to %(email)s.")),
    "nomination.create": Action(_l("Official nominated"),
                                _l("%(focal_point)s (%(organisation)s) nominated %(name)s.")),
    "nomination.update": Action(_l("Nomination edited"),
                                _l("The focal point changed the details of the nominee %(name)s.")),
    "nomination.withdraw": Action(_l("Nomination taken back"),
                                  _l("%(focal_point)s took back the nomination of %(name)s.")),
    "nomination.confirm_details": Action(_l("Nominee's details confirmed"), _l("%(name)s confirmed their details.")),
    # evaluation and registration questions
    "question.create": Action(_l("Test question added"), _l("%(who)s added the question %(question)s.")),
    "question.update": Action(_l("Question edited"), _l("%(who)s edited the question %(question)s.")),
    "question.retire": Action(_l("Test question removed"), _l("%(who)s removed the question %(question)s.")),
    "question.import": Action(_l("Test questions imported"), _counted(
        "%(who)s imported %(count)s question from %(filename)s.",
        "%(who)s imported %(count)s questions from %(filename)s.")),
    "evaluation.set_up": Action(_l("Questionnaire set up"), _l("%(who)s set up the %(kind)s.")),
    "evaluation.open": Action(_l("Questionnaire opened"), _l("%(who)s opened the %(kind)s.")),
    "evaluation.close": Action(_l("Questionnaire closed"), _l("%(who)s closed the %(kind)s.")),
    "evaluation.paper": Action(_l("Paper answers typed in"), _counted(
        "%(who)s typed in %(count)s paper answer sheet of the %(kind)s.",
        "%(who)s typed in %(count)s paper answer sheets of the %(kind)s.")),
    "question.add": Action(_l("Registration question added"),
                           _l("%(who)s added the question %(question)s to the registration form.")),
    "question.move": Action(_l("Registration question moved"),
                            _l("%(who)s moved the question %(question)s on the registration form.")),
    "question.add_builtin": Action(_l("Travel questions added"),
                                   _l("%(who)s added %(questions)s to the registration form.")),
    "question.remove": Action(_l("Registration question removed"), _counted(
        "%(who)s removed the question %(question)s from the registration form, with %(count)s answer.",
        "%(who)s removed the question %(question)s from the registration form, with %(count)s answers.")),
    "answers.view_sensitive": Action(_l("Sensitive answers viewed"),
                                     _l("%(who)s viewed the sensitive answers of %(name)s.")),
    "answers.export_sensitive": Action(_l("Sensitive answers exported"), _counted(
        "%(who)s exported the registration answers of %(count)s registration, sensitive ones included.",
        "%(who)s exported the registration answers of %(count)s registrations, sensitive ones included.")),
    "answers.erase_sensitive": Action(_l("Sensitive answers erased"), _counted(
        "%(who)s erased %(count)s sensitive answer, as the training ended %(days)s days ago.",
        "%(who)s erased %(count)s sensitive answers, as the training ended %(days)s days ago.")),
    "answers.erase_sensitive_files": Action(_l("Files of sensitive answers deleted"), _counted(
        "%(who)s deleted %(count)s prepared file printing sensitive answers (letters), as the training ended %(days)s days ago.",
        "%(who)s deleted %(count)s prepared files printing sensitive answers (letters), as the training ended %(days)s days ago.")),
    "letters.settings": Action(_l("Letter settings changed"), _l("%(who)s changed the settings of the letters.")),
    "letters.letterhead": Action(_l("Letterhead changed"),
                                 _l("%(who)s changed the letterhead of %(organisation)s.")),
    "letters.passports_printed": Action(_l("Passport details printed"), _counted(
        "%(who)s printed passport details in %(count)s visa-support letter.",
        "%(who)s printed passport details in %(count)s visa-support letters.")),
    # recommendations
    "recommendation.create": Action(_l("Recommendation added"), _l("%(who)s added the recommendation %(text)s.")),
    "recommendation.update": Action(_l("Recommendation edited"), _l("%(who)s edited the recommendation %(text)s.")),
    "recommendation.follow_up": Action(_l("Follow-up recorded"), _l(
        "%(who)s recorded a follow-up of %(date)s on the recommendation %(text)s: %(old_status)s → %(status)s."),
        _RECOMMENDATION_STATUS),
    # agenda
    "agenda.facilitator_add": Action(_l("Facilitator added"), _l("%(who)s added the facilitator %(name)s.")),
    "agenda.facilitator_update": Action(_l("Facilitator edited"), _l("%(who)s edited the facilitator %(name)s.")),
    "agenda.facilitator_remove": Action(_l("Facilitator removed"), _l("%(who)s removed the facilitator %(name)s.")),
    "agenda.slot_add": Action(_l("Agenda slot added"), _l("%(who)s added %(title)s to the agenda.")),
    "agenda.slot_remove": Action(_l("Agenda slot removed"), _l("%(who)s removed %(title)s from the agenda.")),
    "agenda.material_add": Action(_l("Material added"), _l("%(who)s added the material %(title)s to %(slot)s.")),
    "agenda.material_release": Action(_l("Material released"),
                                      _l("%(who)s released the material %(title)s to the participants.")),
    "agenda.material_withdraw": Action(_l("Material withdrawn"),
                                       _l("%(who)s withdrew the material %(title)s from the participants.")),
    "agenda.materials_release": Action(_l("Materials released"), _counted(
        "%(who)s released %(count)s material to the participants.",
        "%(who)s released %(count)s materials to the participants.")),
    "agenda.material_remove": Action(_l("Material removed"), _l("%(who)s removed the material %(title)s.")),
}


def action_label(action: str) -> str:
    """The change's name in the active language; an action missing from ``ACTIONS`` shows its code."""
    known = ACTIONS.get(action)
    return str(known.label) if known else action


def said(action: Action, values: dict) -> str:
    """``action``'s sentence in the active language with ``values`` (already shown as text) put in; raises
    KeyError when a value it names is missing."""
    if isinstance(action.sentence, LazyString):
        return str(action.sentence) % values
    return action.sentence(values)


def the_system() -> str:
    """Who made a change nobody made by hand."""
    return _("The system")
