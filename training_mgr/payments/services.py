"""The payment sheet (per-diem / allowance) of a training: days attended × the training's daily rate.

A person is paid for each day marked present or late, at the training's ``daily_rate`` in its ``currency``.
Rows that are left out are listed with the reason: a confirmed participant who attended no day, and anyone
whose registration is no longer confirmed (withdrawn, refused …) although days were marked for them.
"""
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from ..attendance.models import AttendanceMark
from ..attendance.services import ATTENDED
from ..audit import services as audit
from ..core.domain import DomainError
from ..core.exports import spreadsheet_text
from ..core.i18n import localized
from ..core.labels import REGISTRATION_STATUS_LABELS
from ..extensions import db

#: the highest daily rate accepted
MAX_RATE = Decimal("1000000000")


class PaymentError(DomainError):
    """A payment sheet or its rate was refused; the message says why."""


@dataclass(frozen=True)
class PaymentRow:
    """One person to be paid: ``days`` attended (present or late) and ``amount`` = days × the daily rate."""

    name: str
    name_ar: str | None
    organisation: str
    organisation_ar: str | None
    days: int
    amount: Decimal


@dataclass(frozen=True)
class ExcludedRow:
    """One person left off the sheet, with the reason."""

    name: str
    name_ar: str | None
    organisation: str
    reason: str


@dataclass
class OrganisationTotal:
    name: str
    name_ar: str | None
    people: int = 0
    days: int = 0
    amount: Decimal = Decimal("0")


@dataclass
class PaymentSheet:
    training: object
    rate: Decimal
    currency: str
    rows: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    by_organisation: list = field(default_factory=list)

    @property
    def total_days(self) -> int:
        return sum(row.days for row in self.rows)

    @property
    def total_amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0"))


def set_daily_rate(training, rate, currency: str | None, *, by_user) -> None:
    """Set the training's daily rate (a number ≥ 0, or None to have no payment sheet) and its ISO 4217
    ``currency`` (required with a rate); commits. Raises PaymentError (field "daily_rate" or "currency")."""
    if rate is not None:
        try:
            rate = Decimal(rate).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError, TypeError):
            raise PaymentError(_l("Enter the daily rate as a number."), field="daily_rate") from None
        if rate < 0 or rate >= MAX_RATE:
            raise PaymentError(_l("The daily rate must be between 0 and 1,000,000,000."), field="daily_rate")
    currency = (currency or "").strip().upper() or None
    if rate is not None and currency is None:
        raise PaymentError(_l("Choose the currency of the daily rate."), field="currency")
    if currency is not None and currency not in list_currencies():
        raise PaymentError(_l("“%(code)s” is not a currency code (e.g. IQD, USD).", code=currency), field="currency")
    changes = {k: [str(old) if old is not None else None, str(new) if new is not None else None]
               for k, old, new in (("daily_rate", training.daily_rate, rate), ("currency", training.currency, currency))
               if old != new}
    training.daily_rate, training.currency = rate, currency
    if changes:
        audit.record(by_user, "training.daily_rate", training, f"daily rate {rate or '—'} {currency or ''}".strip(),
                     changes=changes, training_id=training.id, details={})
    db.session.commit()


def payment_sheet(training) -> PaymentSheet:
    """The training's payment sheet, people by name, in two queries. Raises PaymentError when no rate is set."""
    from ..participants.models import Participant
    from ..registrations.models import Registration

    if training.daily_rate is None or not training.currency:
        raise PaymentError(_l("Set the training's daily rate and currency first."))
    rate = Decimal(training.daily_rate)
    attended = (
        select(AttendanceMark.registration_id,
               func.sum(case((AttendanceMark.status.in_(ATTENDED), 1), else_=0)).label("days"))
        .group_by(AttendanceMark.registration_id).subquery()
    )
    found = db.session.execute(
        select(Registration, func.coalesce(attended.c.days, 0))
        .join(Registration.participant)
        .outerjoin(attended, attended.c.registration_id == Registration.id)
        .options(joinedload(Registration.participant).joinedload(Participant.organisation))
        .where(Registration.training_id == training.id)
        .order_by(func.lower(Participant.name), Registration.id)
    ).unique().all()
    sheet = PaymentSheet(training=training, rate=rate, currency=training.currency)
    totals = {}
    for registration, days in found:
        person = registration.participant
        organisation = person.organisation
        org_name = organisation.name if organisation else (person.organisation_other or "")
        org_ar = organisation.name_ar if organisation else None
        days = int(days or 0)
        if registration.status == "confirmed" and days:
            amount = rate * days
            sheet.rows.append(PaymentRow(person.name, person.name_ar, org_name, org_ar, days, amount))
            total = totals.setdefault(org_name, OrganisationTotal(org_name, org_ar))
            total.people, total.days, total.amount = total.people + 1, total.days + days, total.amount + amount
        elif registration.status == "confirmed":
            sheet.excluded.append(ExcludedRow(person.name, person.name_ar, org_name, _("Attended no day.")))
        elif days:
            sheet.excluded.append(ExcludedRow(person.name, person.name_ar, org_name, ngettext(
                "Registration %(status)s: the day marked is not paid.",
                "Registration %(status)s: the %(num)s days marked are not paid.", days,
                status=str(REGISTRATION_STATUS_LABELS[registration.status]).lower())))
    sheet.by_organisation = sorted(totals.values(), key=lambda t: t.name.lower())
    return sheet


def payment_sheet_pdf(sheet: PaymentSheet) -> bytes:
    """The sheet as an A4 landscape PDF with a signature column, totals per organisation and the excluded rows."""
    from ..core.i18n import current_language
    from ..pdf import render_pdf

    return render_pdf("pdf/payment_sheet.html", sheet=sheet, training=sheet.training, lang=current_language())


def payment_sheet_xlsx(sheet: PaymentSheet) -> bytes:
    """The sheet as a workbook: the people (with an empty signature column), totals per organisation, excluded rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    people = workbook.active
    people.title = _("Payment sheet")[:31]
    people.append([spreadsheet_text(localized(sheet.training, "title"))])
    people.append([_("Daily rate"), float(sheet.rate), sheet.currency])
    header = ["#", _("Name"), _("Name (Arabic)"), _("Organisation"), _("Days attended"),
              _("Amount (%(currency)s)", currency=sheet.currency), _("Signature")]
    people.append(header)
    for number, row in enumerate(sheet.rows, 1):
        people.append([number, spreadsheet_text(row.name), spreadsheet_text(row.name_ar or ""),
                       spreadsheet_text(row.organisation), row.days, float(row.amount), ""])
    people.append(["", _("Total"), "", "", sheet.total_days, float(sheet.total_amount), ""])
    for cell in people[3] + people[people.max_row]:
        cell.font = Font(bold=True)
    by_org = workbook.create_sheet(_("By organisation")[:31])
    by_org.append([_("Organisation"), _("Organisation (Arabic)"), _("People"), _("Days attended"),
                   _("Amount (%(currency)s)", currency=sheet.currency)])
    for total in sheet.by_organisation:
        by_org.append([spreadsheet_text(total.name), spreadsheet_text(total.name_ar or ""), total.people, total.days,
                       float(total.amount)])
    excluded = workbook.create_sheet(_("Not paid")[:31])
    excluded.append([_("Name"), _("Name (Arabic)"), _("Organisation"), _("Reason")])
    for row in sheet.excluded:
        excluded.append([spreadsheet_text(row.name), spreadsheet_text(row.name_ar or ""), spreadsheet_text(row.organisation),
                         spreadsheet_text(row.reason)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

