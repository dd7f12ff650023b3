"""The "Evaluation" section of the session report, the programme report (PDF and XLSX) and the dashboard.

Every figure comes from ``evaluation.results`` (the same function the evaluation page and the API call), so the
four outputs agree; this module only arranges them. A fixed number of statements whatever the number of trainings.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.i18n import localized
from ..core.labels import RECOMMENDATION_STATUS_LABELS, SEX_LABELS
from ..evaluation import charts, results
from ..participants.models import SEXES
from ..recommendations.models import RECOMMENDATION_STATUSES


def session_section(training) -> dict:
    """``figures`` (``results.training_evaluation``), ``charts`` and the one-line ``definitions``."""
    figures = results.training_evaluation(training)
    return {"figures": figures, "charts": charts.evaluation_charts(figures, results.question_shares(training)),
            "definitions": results.DEFINITIONS}


def programme_section(trainings) -> dict:
    """For the trainings of a programme report (``[(training, …)]``): ``overall`` (pooled figures), ``trainings``
    [(training, figures)], ``charts`` of the overall figures and the ``definitions``."""
    trainings = [training for training, *_ in trainings]
    figures = results.evaluation_figures([t.id for t in trainings], comments=False)
    overall = figures["overall"]
    return {"overall": overall, "trainings": [(t, figures[t.id]) for t in trainings],
            "charts": charts.evaluation_charts(overall), "definitions": results.DEFINITIONS}


def _knowledge_row(block):
    return (block["paired"], block["mean_pre"], block["mean_post"], block["increased_share"], block["mean_gain"],
            block["normalised_gain"])


KNOWLEDGE_HEADER = (_l("Paired"), _l("Mean pre"), _l("Mean post"), _l("Increased"), _l("Mean gain"), _l("Normalised gain"))


def add_sheets(workbook, section, sheet) -> None:
    """The programme workbook's evaluation sheets, drawn with the report's ``sheet(workbook, title, header, rows,
    percent_columns)``: per training and overall; knowledge by sex and by organisation; reaction items;
    definitions. Shares are fractions formatted as percentages; an empty cell means no responses."""
    knowledge_header = [str(h) for h in KNOWLEDGE_HEADER]
    rows = []
    for label, figures in [(_("All trainings"), section["overall"])] + [
            (f"{t.id} · {localized(t, 'title')}", f) for t, f in section["trainings"]]:
        rows.append((label, figures["confirmed"], figures["pre_test"]["responses"], figures["pre_test"]["mean_score"],
                     figures["post_test"]["responses"], figures["post_test"]["mean_score"],
                     *_knowledge_row(figures["knowledge"]), figures["reaction"]["responses"],
                     figures["reaction"]["response_rate"], figures["follow_up"]["responses"],
                     figures["follow_up"]["response_rate"],
                     *[figures["recommendations"][s] for s in RECOMMENDATION_STATUSES],
                     figures["recommendations"]["overdue"]))
    sheet(workbook, _("Evaluation"),
          [_("Training"), _("Confirmed"), _("Pre-test responses"), _("Mean pre-test score"), _("Post-test responses"),
           _("Mean post-test score"), *knowledge_header, _("Reaction responses"), _("Reaction response rate"),
           _("Follow-up responses"), _("Follow-up response rate"),
           *[RECOMMENDATION_STATUS_LABELS[s] for s in RECOMMENDATION_STATUSES], _("Overdue")],
          rows, percent_columns=(3, 5, 7, 8, 9, 10, 11, 13, 15))
    overall = section["overall"]["knowledge"]
    sheet(workbook, _("Evaluation by sex"), [_("Sex"), *knowledge_header],
          [(SEX_LABELS[s], *_knowledge_row(overall["by_sex"][s])) for s in SEXES] + [(_("Total"), *_knowledge_row(overall))],
          percent_columns=(2, 3, 4, 5, 6))
    sheet(workbook, _("Evaluation by organisation"), [_("Organisation"), *knowledge_header],
          [(charts.localized_name(row, "en"), *_knowledge_row(row)) for row in overall["by_organisation"]],
          percent_columns=(2, 3, 4, 5, 6))
    reaction = section["overall"]["reaction"]
    sheet(workbook, _("Reaction survey"), [_("Item"), _("Mean (1–5)"), *[str(v) for v in range(1, 6)]],
          [(item["question"], item["mean"], *[(item["distribution"] or {}).get(str(v)) for v in range(1, 6)])
           for item in reaction["items"]])
    sheet(workbook, _("Evaluation definitions"), [_("Definition")], [(str(line),) for line in section["definitions"]])
