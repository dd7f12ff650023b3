"""Recommendations agreed at a training and their follow-up log."""
from dataclasses import asdict, dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..core.domain import DomainError
from ..audit import services as audit
from ..extensions import db
from ..trainings.access import visible_sessions_filter
from ..trainings.models import TrainingSession
from .models import RECOMMENDATION_STATUSES, Recommendation, RecommendationUpdate

#: what an officer edits on a recommendation
EDITABLE_FIELDS = ("text", "text_ar", "theme", "responsible_organisation_id", "due_date", "status")


@dataclass(frozen=True)
class RecommendationDetails:
    """What an officer writes on a recommendation.

    - ``text`` (required) and ``text_ar``: the recommendation in English and Arabic; ``theme`` a short label.
      The service strips them; a blank one becomes None.
    - ``responsible_organisation_id``: id of the ``Organisation`` that is to act on it, or None
    - ``due_date``: the date by which it should be acted on (a calendar date, no time), or None
    - ``status``: one of ``RECOMMENDATION_STATUSES`` (``recommendations/models.py``)
    """

    text: str | None
    text_ar: str | None = None
    theme: str | None = None
    responsible_organisation_id: int | None = None
    due_date: date | None = None
    status: str = "proposed"

    @classmethod
    def from_form(cls, form) -> "RecommendationDetails":
        """The details a ``recommendations.forms.RecommendationForm`` holds."""
        return cls(**{name: form[name].data for name in EDITABLE_FIELDS})


class RecommendationError(DomainError):
    """A recommendation write was refused; the message is shown to the user."""


def recommendations_of(training) -> list:
    """A training's recommendations with their organisations and follow-up logs (three queries)."""
    return db.session.scalars(
        select(Recommendation)
        .options(joinedload(Recommendation.responsible_organisation),
                 selectinload(Recommendation.updates).joinedload(RecommendationUpdate.author))
        .where(Recommendation.training_id == training.id)
        .order_by(Recommendation.id)
    ).all()


def create_recommendation(training, details: RecommendationDetails, *, by_user) -> Recommendation:
    """Add a recommendation with ``details`` to ``training`` and commit; audited as
    ``recommendation.create``. Raises RecommendationError: no text, or a status not in ``RECOMMENDATION_STATUSES``
    (rules: a recommendation is something written down, tracked through the statuses of its model)."""
    values = _checked(details)
    recommendation = Recommendation(training_id=training.id, created_by_id=by_user.id, **values)
    db.session.add(recommendation)
    audit.record(by_user, "recommendation.create", recommendation, f"Recommendation added: {_short(recommendation.text)}",
                 details={"text": _short(recommendation.text), "text_ar": _short(recommendation.text_ar or "")})
    db.session.commit()
    return recommendation


def update_recommendation(recommendation, details: RecommendationDetails, *, by_user) -> dict:
    """Give ``recommendation`` every field of ``details`` and commit; return what changed, ``{field: [old, new]}``
    ({} when nothing did), audited as ``recommendation.update``. Raises RecommendationError for the reasons
    ``create_recommendation`` gives."""
    changes = audit.diff(recommendation, EDITABLE_FIELDS, _checked(details))
    if changes:
        audit.record(by_user, "recommendation.update", recommendation,
                     f"Recommendation edited ({', '.join(changes)}): {_short(recommendation.text)}", changes=changes,
                     details={"text": _short(recommendation.text), "text_ar": _short(recommendation.text_ar or "")})
    db.session.commit()
    return changes


def add_update(recommendation, *, on: date, status: str, note: str | None, by_user) -> RecommendationUpdate:
    """Log a dated follow-up and set the recommendation's status to the update's; commit."""
    if status not in RECOMMENDATION_STATUSES:
        raise RecommendationError(_l("Unknown status."))
    if on is None:
        raise RecommendationError(_l("Please give the date of the follow-up."))
    if on > date.today():
        raise RecommendationError(_l("A follow-up cannot be dated in the future."))
    update = RecommendationUpdate(recommendation_id=recommendation.id, date=on, status=status,
                                  note=(note or "").strip() or None, author_id=by_user.id)
    db.session.add(update)
    old_status = recommendation.status
    recommendation.status = status
    audit.record(by_user, "recommendation.follow_up", recommendation,
                 f"Follow-up on {on}: {old_status} → {status}", changes={"status": [old_status, status]},
                 details={"text": _short(recommendation.text), "text_ar": _short(recommendation.text_ar or ""), "date": on,
                          "old_status": old_status, "status": status})
    db.session.commit()
    return update


def tracker_page(user, *, status=None, organisation_id=None, training_id=None, overdue=False,
                 page=1, per_page=50, today=None):
    """Recommendations across the trainings ``user`` may see, filtered; due first (a fixed number of queries)."""
    today = today or date.today()
    visible = visible_sessions_filter(user, select(TrainingSession.id))
    query = (
        select(Recommendation)
        .options(joinedload(Recommendation.responsible_organisation), joinedload(Recommendation.training))
        .where(Recommendation.training_id.in_(visible))
    )
    if status:
        query = query.where(Recommendation.status == status)
    if organisation_id:
        query = query.where(Recommendation.responsible_organisation_id == organisation_id)
    if training_id:
        query = query.where(Recommendation.training_id == training_id)
    if overdue:
        query = query.where(Recommendation.is_overdue(today))
    query = query.order_by(Recommendation.due_date.is_(None), Recommendation.due_date, Recommendation.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def visible_trainings(user) -> list:
    """Trainings ``user`` may see that have recommendations (for the tracker's filter)."""
    query = visible_sessions_filter(user, select(TrainingSession)).where(
        TrainingSession.id.in_(select(Recommendation.training_id))
    ).order_by(TrainingSession.start_date.desc())
    return db.session.scalars(query).all()


def is_overdue(recommendation, today=None) -> bool:
    """``Recommendation.is_overdue`` as of ``today`` (default: the server's date), for the templates."""
    return recommendation.is_overdue(today or date.today())


def _checked(details: RecommendationDetails) -> dict:
    values = asdict(details)
    for key in ("text", "text_ar", "theme"):
        values[key] = (values[key] or "").strip() or None
    if not values.get("text"):
        raise RecommendationError(_l("Please write the recommendation."))
    if values.get("status") not in RECOMMENDATION_STATUSES:
        raise RecommendationError(_l("Unknown status."))
    return values


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
