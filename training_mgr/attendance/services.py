"""Attendance rules shared by the grid, the API, certificate eligibility and reports."""
from dataclasses import dataclass

ATTENDED = ("present", "late")


def attendance_rate(statuses, number_of_days: int) -> float:
    """Share (0..1) of a training's days a participant attended (present or late)."""
    if not number_of_days:
        return 0.0
    attended = sum(1 for s in statuses if s in ATTENDED)
    return round(attended / number_of_days, 4)


@dataclass(frozen=True)
class RuleResult:
    """How one participant's marks measure against a training's certificate rule."""

    met: bool
    #: days attended that count (present, and late when the rule says so)
    attended: int
    #: days that count (all days, less excused ones when the rule leaves them out)
    counted: int
    #: share of counted days attended, 0..1 (0 when no day counts)
    share: float
    recorded: int


def certificate_rule_result(training_session, statuses) -> RuleResult:
    """Apply the training's certificate rule to one participant's marks (one status per marked day).

    A day without a mark counts as not attended. With ``cert_excused_excluded`` the excused days
    leave the count; with ``cert_late_counts`` a late day counts as attended.
    """
    statuses = list(statuses)
    days = len(training_session.days)
    excused = statuses.count("excused") if training_session.cert_excused_excluded else 0
    attended_statuses = ("present", "late") if training_session.cert_late_counts else ("present",)
    attended = sum(1 for s in statuses if s in attended_statuses)
    counted = max(days - excused, 0)
    share = attended / counted if counted else 0.0
    met = counted > 0 and bool(statuses) and share * 100 >= training_session.cert_min_attendance - 1e-9
    return RuleResult(met=met, attended=attended, counted=counted, share=round(share, 4), recorded=len(statuses))
