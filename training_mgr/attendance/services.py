"""Attendance rules shared by the grid, the API, eligibility and reports."""

ATTENDED = ("present", "late")


def attendance_rate(statuses, number_of_days: int) -> float:
    """Share (0..1) of a training's days a participant attended (present or late)."""
    if not number_of_days:
        return 0.0
    attended = sum(1 for s in statuses if s in ATTENDED)
    return round(attended / number_of_days, 4)
