"""The public side: which trainings are open, their calendar file, and registering oneself online."""
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit import services as audit
from ..auth.models import User
from ..auth.services import issue_password_link, normalise_email
from ..core.db import as_utc, utcnow
from ..core.text import LINE_BREAKS, fold, printable
from ..extensions import db
from ..participants.inputs import PersonalDetails
from ..participants.models import Participant
from ..registrations import services as registrations
from ..registrations import holds, notifications
from ..registrations.models import Registration
from ..registrations.standing import RETURNABLE_STATUSES
from ..trainings.models import LANGUAGES, SessionOrganiser, TrainingSession

PER_PAGE = 20
#: longest search text taken from the address bar
MAX_SEARCH_LENGTH = 100

ALREADY_REGISTERED = _l("This e-mail address is already registered for this training. Log in to see your registration.")


class AlreadyRegistered(registrations.RegistrationError):
    """The same person asked twice for the same training."""

    field = "email"
    status = 409


# --- the catalogue ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CatalogueFilters:
    search: str = ""
    city: str = ""
    language: str = ""
    #: first day of the month trainings must start in
    month: date | None = None

    @classmethod
    def from_args(cls, args):
        """Read the filters from query arguments, ignoring anything malformed instead of failing."""
        month = None
        raw_month = _clean(args.get("month", ""), 7)
        try:
            month = datetime.strptime(raw_month, "%Y-%m").date() if raw_month else None
        except ValueError:
            month = None
        language = args.get("language", "")
        return cls(
            search=_clean(args.get("q", ""), MAX_SEARCH_LENGTH),
            city=_clean(args.get("city", ""), 100),
            language=language if language in LANGUAGES else "",
            month=month,
        )

    @property
    def active(self) -> bool:
        return bool(self.search or self.city or self.language or self.month)


def _clean(value: str, max_length: int) -> str:
    """Control characters (a NUL would upset PostgreSQL) dropped, spaces collapsed, length bounded."""
    value = "".join(ch for ch in (value or "") if unicodedata.category(ch) != "Cc")
    return " ".join(value.split())[:max_length]


def open_for_registration(now=None):
    """SQL condition: trainings a visitor can still register for (or soon can), ``TrainingSession.listed_for_registration``."""
    return TrainingSession.listed_for_registration(now or utcnow())


def catalogue_page(filters: CatalogueFilters, page: int = 1):
    """One page of open trainings, soonest first, with organisers loaded (and seat counts separately)."""
    query = (
        select(TrainingSession)
        .where(open_for_registration())
        .options(selectinload(TrainingSession.organisers).joinedload(SessionOrganiser.organisation))
        .order_by(TrainingSession.start_date.is_(None), TrainingSession.start_date, TrainingSession.id)
    )
    if filters.search:
        query = query.where(TrainingSession.search_folded.contains(fold(filters.search), autoescape=True))
    if filters.city:
        query = query.where(or_(TrainingSession.city == filters.city, TrainingSession.city_ar == filters.city))
    if filters.language:
        query = query.where(TrainingSession.language == filters.language)
    if filters.month:
        query = query.where(
            extract("year", TrainingSession.start_date) == filters.month.year,
            extract("month", TrainingSession.start_date) == filters.month.month,
        )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, count=True)


def filter_choices():
    """Cities (English and Arabic names) and start months of the open trainings, for the filter menus."""
    rows = db.session.execute(
        select(TrainingSession.city, TrainingSession.city_ar, TrainingSession.start_date).where(open_for_registration())
    ).all()
    cities = sorted({(city, city_ar) for city, city_ar, _start in rows if city or city_ar}, key=lambda c: (c[0] or c[1]).lower())
    months = sorted({start.replace(day=1) for _city, _city_ar, start in rows if start})
    return cities, months


def public_session(training_id: int):
    """A training as the public sees it; drafts do not exist for them."""
    training = db.session.get(TrainingSession, training_id)
    if training is None or training.status == "draft":
        return None
    return training


def is_over(training, now=None) -> bool:
    """The training reads as past on its public page: completed or cancelled, or its last day is before today
    (UTC, as in ``TrainingSession.registration_too_late``)."""
    last = training.end_date or training.start_date
    return training.status in ("completed", "cancelled") or (last is not None and last < (now or utcnow()).date())


# --- calendar file ------------------------------------------------------------------------------

def calendar_file(training, *, title: str, location: str, description: str, url: str, host: str,
                  slots=()) -> str:
    """An iCalendar (RFC 5545) file with one all-day event spanning the training's dates, and one timed event per
    agenda slot: ``slots`` holds (id, start, end, summary, location, description), start and end aware datetimes."""
    end = training.end_date or training.start_date
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    modified = as_utc(training.updated_at or training.created_at or utcnow())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//training_mgr//Training calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:training-session-{training.id}@{host}",
        f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{modified.astimezone(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART;VALUE=DATE:{training.start_date:%Y%m%d}",
        # all-day events end on the day after the last one (the end is exclusive)
        f"DTEND;VALUE=DATE:{end + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{ics_escape(title)}",
        f"LOCATION:{ics_escape(location)}",
        f"DESCRIPTION:{ics_escape(description)}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if training.status == 'cancelled' else 'CONFIRMED'}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]
    for slot_id, start, end, summary, slot_location, slot_description in slots:
        lines += [
            "BEGIN:VEVENT",
            f"UID:agenda-slot-{slot_id}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{start.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}",
            f"DTEND:{end.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{ics_escape(summary)}",
            f"LOCATION:{ics_escape(slot_location)}",
            f"DESCRIPTION:{ics_escape(slot_description)}",
            f"URL:{url}",
            f"STATUS:{'CANCELLED' if training.status == 'cancelled' else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma; every kind of line break (CR LF, CR, VT,
    FF, NEL, U+2028/U+2029) becomes ``\\n``; other control characters and bidi overrides, which TEXT may not
    hold or which would reverse the calendar entry, are removed (``core.text.printable``)."""
    text = (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return printable(LINE_BREAKS.sub("\\\\n", text))


def ics_fold(line: str, limit: int = 75) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    parts, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        # continuation lines start with a space, which counts towards their 75 octets
        if size + width > (limit if not parts else limit - 1):
            parts.append(current)
            current, size = "", 0
        current += ch
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


# --- registering oneself ------------------------------------------------------------------------

@dataclass
class OnlineRegistration:
    """What the public form did for one visitor."""

    #: the registration made, held, confirmed or found; None when nothing was registered
    registration: Registration | None
    #: a link to choose a password was e-mailed
    password_link_sent: bool = False
    #: the address belongs to someone already known and the visitor is not logged in as them: nothing
    #: was confirmed or changed; that person was e-mailed a link to confirm a held seat, or told what to do
    awaits_the_person: bool = False


def register_online(training, details: PersonalDetails, email: str, locale: str,
                    by_user=None) -> OnlineRegistration:
    """Register the person the form describes, in one commit with their account and e-mails: ``details`` as they
    typed them, ``email`` as typed (normalised here), ``locale`` the language code of their e-mails.

    A new e-mail makes a new participant and a participant account without password, with a link to
    choose one, and registers them under the training's rules at once. An e-mail that already belongs to
    a participant or an account, typed by a visitor who is not logged in as that person, confirms nothing
    and changes none of that person's stored details: anyone can type anyone's address. The participant's
    seat is held and they get a one-time link to confirm it (``registrations.holds``); an account without
    a participant record (staff, above all) is never turned into a participant here, its owner is only told.
    Only the participant themself, logged in, registers at once and updates their details by registering.

    Raises ``AlreadyRegistered`` when the logged-in participant is registered already, ``RegistrationError``
    when registration is closed. The answer to show a visitor who is not that person is the same whatever
    happened (``awaits_the_person`` or a new registration), so the form does not tell who is known.
    """
    error = registrations.registration_window_error(training)
    if error:
        raise registrations.RegistrationError(str(error))
    email = normalise_email(email)
    try:
        return _register_online(training, details, email, locale, by_user)
    except IntegrityError:
        # The same new e-mail submitted twice at once (a double tap): the other request made the
        # participant; this one now finds it known and answers as for any known address.
        db.session.rollback()
        return _register_online(training, details, email, locale, by_user)


def _register_online(training, details, email, locale, by_user):
    # Lock first: the rows written below refer to the training, and on PostgreSQL each such reference
    # takes a share lock that would deadlock with another request waiting for the seat lock.
    registrations.lock_seats(training)
    holds.release_expired_in(training)  # their seats go to the waiting list before anyone new
    participant = db.session.scalar(select(Participant).where(Participant.email == email))
    if participant is None:
        account = db.session.scalar(select(User).where(User.email == email))
        if account is not None and not (by_user is not None and by_user.id == account.id and account.role == "participant"):
            return _tell_account_owner(training, account)
        participant = Participant(email=email, locale=locale, consent_at=utcnow(), **asdict(details))
        db.session.add(participant)
        db.session.flush()
        audit.record(by_user, "participant.create", participant, f"{participant.name} <{email}> registered online",
                     training_id=training.id, details={"name": participant.name, "name_ar": participant.name_ar})
    elif by_user is not None and by_user.participant_id == participant.id:
        values = asdict(details)
        changes = audit.diff(participant, list(values), values)
        if participant.consent_at is None:
            participant.consent_at = utcnow()
        if changes:
            audit.record(by_user, "participant.update", participant, f"{participant.name} updated their details",
                         changes=changes, training_id=training.id,
                         details={"name": participant.name, "name_ar": participant.name_ar})
    else:
        return _hold_for_the_person(training, participant, by_user)

    existing = registrations.find_registration(training.id, participant.id)
    if existing is not None and existing.is_held:  # asked for in their name before; now they are here themselves
        holds.confirm(existing, by_user=by_user, how="login")
        password_link_sent = _give_account(participant, locale)
        db.session.commit()
        return OnlineRegistration(existing, password_link_sent)
    if existing is not None and existing.status not in RETURNABLE_STATUSES:
        db.session.rollback()
        raise AlreadyRegistered(str(ALREADY_REGISTERED))

    # new, or back after withdrawing or a rejection: the training's rules decide as for anyone new
    password_link_sent = _give_account(participant, locale)
    try:
        registration = registrations.register(training, participant, source="online", by_user=by_user)
    except registrations.RegistrationError:
        db.session.rollback()
        if _is_registered(training, email):  # the same person a moment ago, in another request
            raise AlreadyRegistered(str(ALREADY_REGISTERED)) from None
        raise
    return OnlineRegistration(registration, password_link_sent)


def _hold_for_the_person(training, participant, by_user) -> OnlineRegistration:
    """A known participant's address typed by someone else: hold a seat for them and mail them the link to
    confirm it; or send a new link for a seat held already; or, registered already, tell them so. Commits."""
    existing = registrations.find_registration(training.id, participant.id)  # expired holds are gone
    if existing is None:
        registration = holds.hold(training, participant, by_user=by_user)
    elif holds.is_active(existing):
        registration = existing
        holds.send_new_link(existing)
    else:
        registration = existing
        notifications.registration_exists(existing)
    db.session.commit()
    return OnlineRegistration(registration, awaits_the_person=True)


def _tell_account_owner(training, account) -> OnlineRegistration:
    """An account's address with no participant record: register nothing, change nothing, tell its owner. Commits."""
    from ..mail import messages as mail

    mail.notify_registration_login_needed(account, training)
    audit.record(None, "registration.refused", account,
                 f"Public registration for the address of {account.role} account {account.email}: nothing registered",
                 training_id=training.id, details={"email": account.email})
    db.session.commit()
    return OnlineRegistration(None, awaits_the_person=True)


def confirm_held_registration(token: str) -> OnlineRegistration:
    """Open a held registration's one-time link: the registration proceeds under the training's rules
    (``holds.confirm``), the person gets an account if they have none, and the link is spent; one commit.

    Raises ``holds.HoldLinkInvalid`` for an unknown, used or expired link, ``RegistrationError`` when the
    training was cancelled or completed meanwhile.
    """
    registration = holds.find_by_token(token)
    if registration is None:
        raise holds.HoldLinkInvalid(str(holds.INVALID_LINK))
    try:
        holds.confirm(registration, how="link")
    except registrations.RegistrationError:
        db.session.rollback()
        raise
    participant = registration.participant
    password_link_sent = _give_account(participant, participant.locale)
    db.session.commit()
    return OnlineRegistration(registration, password_link_sent)


def decline_held_registration(token: str) -> None:
    """The person says they did not ask for the held registration: it is released at once (``holds.decline``)."""
    registration = holds.find_by_token(token)
    if registration is None:
        raise holds.HoldLinkInvalid(str(holds.INVALID_LINK))
    holds.decline(registration)


def confirm_holds_at_login(user) -> list:
    """A participant who logs in has proved who they are: confirm each of their registrations held and not
    expired (``holds.confirm``), one commit each. Returns the confirmed registrations; one that cannot be
    confirmed any more (training cancelled, used meanwhile) is left as it is."""
    if user.participant_id is None:
        return []
    confirmed = []
    for registration in holds.active_holds_of(user.participant):
        try:
            holds.confirm(registration, by_user=user, how="login")
        except registrations.RegistrationError:
            db.session.rollback()
            continue
        db.session.commit()
        confirmed.append(registration)
    return confirmed


def _is_registered(training, email) -> bool:
    return db.session.scalar(
        select(func.count(Registration.id))
        .join(Participant, Participant.id == Registration.participant_id)
        .where(Registration.training_id == training.id, Participant.email == email)
    ) > 0


def _give_account(participant, locale) -> bool:
    """Make sure the participant has an account; e-mail a set-password link when it has no password yet.

    An account of another role with the participant's address (staff) keeps its role and its own log-in:
    it is never linked to the participant.
    """
    user = participant.user or db.session.scalar(select(User).where(User.email == participant.email))
    if user is None:
        user = User(email=participant.email, role="participant", name=participant.name, locale=locale, participant=participant)
        db.session.add(user)
    elif user.role == "participant" and user.participant_id is None:
        user.participant = participant  # an account made for this address before the person registered
    elif user.participant_id != participant.id:
        return False  # a staff account uses this address; it keeps its own log-in
    if user.password_hash:
        return False
    issue_password_link(user, "set_password")
    return True
