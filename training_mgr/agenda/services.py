"""A training's agenda: slots per day, facilitators, and materials released to confirmed participants.

Rules (issue "Before the training", item 4): a slot lies within one day of the training and ends after it starts;
a file is one of ``ALLOWED_FILES`` (checked by its name and its first bytes) and at most AGENDA_MATERIAL_MAX_BYTES;
a link is http(s); participants see a material only when it is released and they are confirmed.
"""
from dataclasses import dataclass
from datetime import datetime, time
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..audit.services import diff, record
from ..core.db import bounded_lock_wait, utcnow
from ..core.domain import DomainError
from ..core.i18n import fmt_list, localized
from ..extensions import db
from ..organisations.models import Organisation
from ..registrations.models import Registration
from ..trainings.models import SessionDay
from .models import AgendaSlot, Facilitator, Material

#: file types a material may be: extension -> (MIME type, test of the first bytes)
ALLOWED_FILES = {
    "pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", lambda h: h.startswith(b"PK\x03\x04")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", lambda h: h.startswith(b"PK\x03\x04")),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", lambda h: h.startswith(b"PK\x03\x04")),
    "png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
}


class AgendaError(DomainError):
    """A slot, facilitator or material the rules refuse; nothing was saved."""


@dataclass(frozen=True)
class SlotDetails:
    """One slot as typed: ``day_id`` (a SessionDay of the training), local times, titles, facilitator id, room."""

    day_id: int
    starts_at: time
    ends_at: time
    title: str
    title_ar: str | None = None
    facilitator_id: int | None = None
    room: str | None = None

    @classmethod
    def from_form(cls, form) -> "SlotDetails":
        return cls(day_id=form.day_id.data, starts_at=form.starts_at.data, ends_at=form.ends_at.data,
                   title=form.title.data.strip(), title_ar=(form.title_ar.data or "").strip() or None,
                   facilitator_id=form.facilitator_id.data or None, room=(form.room.data or "").strip() or None)


@dataclass(frozen=True)
class FacilitatorDetails:
    """A facilitator as typed: names (Latin, Arabic), title (English, Arabic), organisation id, e-mail, short bio."""

    name: str
    name_ar: str | None = None
    organisation_id: int | None = None
    bio: str | None = None
    title: str | None = None
    title_ar: str | None = None
    email: str | None = None

    @classmethod
    def from_form(cls, form) -> "FacilitatorDetails":
        def text(field):
            return (field.data or "").strip() or None
        return cls(name=form.name.data.strip(), name_ar=text(form.name_ar), organisation_id=form.organisation_id.data or None,
                   bio=text(form.bio), title=text(form.title), title_ar=text(form.title_ar),
                   email=(text(form.email) or "").lower() or None)


# --- reading -------------------------------------------------------------------------------------------------------

def agenda_of(training) -> list[tuple[SessionDay, list[AgendaSlot]]]:
    """The training's days in order, each with its slots by start time (days without slots too)."""
    slots = db.session.scalars(
        select(AgendaSlot).join(SessionDay, AgendaSlot.day_id == SessionDay.id)
        .where(SessionDay.training_id == training.id)
        .options(selectinload(AgendaSlot.facilitator).selectinload(Facilitator.organisation),
                 selectinload(AgendaSlot.materials))
        .order_by(SessionDay.date, AgendaSlot.starts_at, AgendaSlot.id)).all()
    by_day: dict[int, list] = {}
    for slot in slots:
        by_day.setdefault(slot.day_id, []).append(slot)
    return [(day, by_day.get(day.id, [])) for day in sorted(training.days, key=lambda d: d.date)]


def has_agenda(training) -> bool:
    return any(slots for _day, slots in agenda_of(training))


def all_facilitators() -> list[Facilitator]:
    return db.session.scalars(select(Facilitator).order_by(Facilitator.name)).all()


def slots_led_by(facilitator) -> list[AgendaSlot]:
    """The slots, of any training, that ``facilitator`` leads, with their days and trainings, by date."""
    return db.session.scalars(
        select(AgendaSlot).join(SessionDay, AgendaSlot.day_id == SessionDay.id)
        .where(AgendaSlot.facilitator_id == facilitator.id)
        .options(selectinload(AgendaSlot.day).selectinload(SessionDay.training))
        .order_by(SessionDay.date, AgendaSlot.starts_at)).all()


def slot_times(training, slot) -> tuple[datetime, datetime]:
    """A slot's start and end as aware datetimes in the training's time zone (for the calendar file)."""
    zone = ZoneInfo(training.timezone or "UTC")
    return (datetime.combine(slot.day.date, slot.starts_at, zone), datetime.combine(slot.day.date, slot.ends_at, zone))


def is_confirmed_participant(user, training) -> bool:
    participant = getattr(user, "participant", None) if getattr(user, "is_authenticated", False) else None
    return participant is not None and db.session.scalar(select(Registration.id).where(
        Registration.training_id == training.id, Registration.participant_id == participant.id,
        Registration.status == "confirmed")) is not None


def released_materials(training, user) -> list[Material]:
    """The released materials of the training when ``user`` is one of its confirmed participants, else []."""
    if not is_confirmed_participant(user, training):
        return []
    return db.session.scalars(
        select(Material).join(AgendaSlot).join(SessionDay, AgendaSlot.day_id == SessionDay.id)
        .where(SessionDay.training_id == training.id, Material.released_at.is_not(None))
        .order_by(SessionDay.date, AgendaSlot.starts_at, Material.id)).all()


def material_of(training, material_id: int) -> Material | None:
    material = db.session.get(Material, material_id)
    return material if material is not None and material.slot.day.training_id == training.id else None


# --- changing ------------------------------------------------------------------------------------------------------

def add_facilitator(details: FacilitatorDetails, *, by_user) -> Facilitator:
    facilitator = Facilitator(**_facilitator_values(details))
    db.session.add(facilitator)
    record(by_user, "agenda.facilitator_add", facilitator, f"Facilitator {details.name} added",
           details={"name": details.name, "name_ar": details.name_ar})
    db.session.commit()
    return facilitator


def _facilitator_values(details: FacilitatorDetails) -> dict:
    """The columns of a facilitator from ``details``; ``AgendaError`` (``organisation_id``) for an unknown organisation."""
    if details.organisation_id and db.session.get(Organisation, details.organisation_id) is None:
        raise AgendaError(_("Choose an organisation from the list."), field="organisation_id")
    return {"name": details.name, "name_ar": details.name_ar, "title": details.title, "title_ar": details.title_ar,
            "organisation_id": details.organisation_id, "email": details.email, "bio": details.bio}


def update_facilitator(facilitator, details: FacilitatorDetails, *, by_user) -> dict:
    """Save changes to a facilitator (shared by every training: each slot they lead shows them); commit. Returns the
    changes ({column: [old, new]}, audited as ``agenda.facilitator_update``; empty when nothing changed)."""
    values = _facilitator_values(details)
    changes = diff(facilitator, tuple(values), values)  # applies them
    if changes:
        record(by_user, "agenda.facilitator_update", facilitator, f"Facilitator {facilitator.name} changed",
               changes=changes, details={"name": facilitator.name, "name_ar": facilitator.name_ar})
        db.session.commit()
    return changes


def remove_facilitator(facilitator, *, by_user) -> None:
    """Remove a facilitator who leads no slot; commit. Raises ``AgendaError`` naming the slots (of any training) they
    still lead: an officer chooses someone else for those first, so no agenda loses its facilitator unseen."""
    lock_facilitator(facilitator.id)  # a slot added for them meanwhile is counted, not emptied by the removal
    slots = slots_led_by(facilitator)
    if slots:
        trainings = list(dict.fromkeys(localized(slot.day.training, "title") for slot in slots))
        raise AgendaError(ngettext(
            "%(name)s leads %(num)d slot (%(trainings)s): choose another facilitator for it first.",
            "%(name)s leads %(num)d slots (%(trainings)s): choose another facilitator for them first.",
            len(slots), name=localized(facilitator, "name"), trainings=fmt_list(trainings, isolate=False).unescape()))
    record(by_user, "agenda.facilitator_remove", facilitator, f"Facilitator {facilitator.name} removed",
           details={"name": facilitator.name, "name_ar": facilitator.name_ar})
    db.session.delete(facilitator)
    db.session.commit()


def lock_facilitator(facilitator_id: int) -> bool:
    """Lock the facilitator's row until commit (a no-op UPDATE: PostgreSQL's row lock, SQLite's write lock), so
    that adding a slot for them and removing them never cross; False when they no longer exist (asked of the
    database, not of the session's memory: another request may have removed them). Raises ``core.db.Busy``
    when the lock is held too long."""
    with bounded_lock_wait():
        locked = db.session.execute(update(Facilitator).where(Facilitator.id == facilitator_id)
                                    .values(name=Facilitator.name).execution_options(synchronize_session=False))
    return locked.rowcount == 1


def add_slot(training, details: SlotDetails, *, by_user) -> AgendaSlot:
    """Add a slot to one of the training's days; raises AgendaError when the day is not the training's, the slot
    does not end after it starts or its facilitator no longer exists (``lock_facilitator``)."""
    day = db.session.get(SessionDay, details.day_id)
    if day is None or day.training_id != training.id:
        raise AgendaError(_("Choose one of the training's days."), field="day_id")
    if details.ends_at <= details.starts_at:
        raise AgendaError(_("The end must be after the start."), field="ends_at")
    if details.facilitator_id and not lock_facilitator(details.facilitator_id):
        raise AgendaError(_("This facilitator no longer exists (someone removed them): choose another."),
                          field="facilitator_id")
    slot = AgendaSlot(day_id=day.id, starts_at=details.starts_at, ends_at=details.ends_at, title=details.title,
                      title_ar=details.title_ar, facilitator_id=details.facilitator_id, room=details.room)
    db.session.add(slot)
    record(by_user, "agenda.slot_add", slot, f"Agenda slot {details.title} added", training_id=training.id,
           details={"title": slot.title, "title_ar": slot.title_ar})
    db.session.commit()
    return slot


def remove_slot(training, slot, *, by_user) -> None:
    record(by_user, "agenda.slot_remove", slot, f"Agenda slot {slot.title} removed", training_id=training.id,
           details={"title": slot.title, "title_ar": slot.title_ar})
    db.session.delete(slot)
    db.session.commit()


def check_file(filename: str, data: bytes) -> str:
    """The MIME type of an uploaded material, or AgendaError when its type is not allowed or it is too large."""
    limit = current_app.config["AGENDA_MATERIAL_MAX_BYTES"]
    if len(data) > limit:
        raise AgendaError(_("The file is larger than %(size)d MB.", size=limit // (1024 * 1024)), field="file")
    if not data:
        raise AgendaError(_("The file is empty."), field="file")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    allowed = ALLOWED_FILES.get(extension)
    if allowed is None or not allowed[1](data[:16]):
        raise AgendaError(_("Upload a PDF, Word, Excel, PowerPoint, PNG or JPEG file."), field="file")
    return allowed[0]


def add_material(training, slot, *, title: str, by_user, url: str | None = None, filename: str | None = None,
                 data: bytes | None = None) -> Material:
    """Attach a link (http or https) or a file (``check_file``) to a slot, not yet released."""
    if url:
        if urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc:
            raise AgendaError(_("Give a link starting with https:// or http://."), field="url")
        material = Material(slot=slot, kind="link", title=title, url=url)
    elif data is not None and filename:
        mime_type = check_file(filename, data)
        material = Material(slot=slot, kind="file", title=title, filename=filename[-200:], mime_type=mime_type,
                            size=len(data), data=data)
    else:
        raise AgendaError(_("Attach a file or give a link."), field="file")
    db.session.add(material)
    record(by_user, "agenda.material_add", material, f"Material {title} added to {slot.title}", training_id=training.id,
           details={"title": title, "slot": slot.title, "slot_ar": slot.title_ar})
    db.session.commit()
    return material


def set_released(training, material, released: bool, *, by_user) -> None:
    """Release a material to the confirmed participants (or withdraw it)."""
    material.released_at = utcnow() if released else None
    record(by_user, "agenda.material_release" if released else "agenda.material_withdraw", material,
           f"Material {material.title} {'released' if released else 'withdrawn'}", training_id=training.id,
           details={"title": material.title})
    db.session.commit()


def release_all(training, *, by_user) -> int:
    """Release every material of the training not yet released; returns how many."""
    waiting = [m for _day, slots in agenda_of(training) for slot in slots for m in slot.materials if m.released_at is None]
    now = utcnow()
    for material in waiting:
        material.released_at = now
    record(by_user, "agenda.materials_release", training, f"{len(waiting)} materials released", training_id=training.id,
           details={"count": len(waiting)})
    db.session.commit()
    return len(waiting)


def remove_material(training, material, *, by_user) -> None:
    record(by_user, "agenda.material_remove", material, f"Material {material.title} removed", training_id=training.id,
           details={"title": material.title})
    db.session.delete(material)
    db.session.commit()
