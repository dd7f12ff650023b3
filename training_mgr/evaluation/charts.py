"""Evaluation charts drawn on the server as inline SVG (no JS, no CDN), the same on the page and in the PDFs.

Labels and values are HTML text beside the bars, so Arabic is shaped and extracted correctly (as in
``reports/charts.py``); the bars are on a fixed 0–100 % scale, so two charts compare at a glance.
"""
from markupsafe import Markup, escape

from flask_babel import gettext as _

from ..core.i18n import current_language, fmt_percent, text_direction
from ..core.labels import SEX_LABELS
from .results import LIKERT_LABELS

#: pre-test, post-test; then the five Likert answers from "strongly disagree" to "strongly agree"
SERIES_COLOURS = ("#8a8a8a", "#1f4e79")
LIKERT_COLOURS = ("#b2182b", "#ef8a62", "#bababa", "#67a9cf", "#2166ac")
WIDTH, HEIGHT = 200, 10


def _svg(segments, rtl) -> str:
    """``segments``: [(share 0..1 of the width, colour)] laid end to end from the start side."""
    parts, x = [], 0.0
    for share, colour in segments:
        width = WIDTH * max(0.0, min(1.0, share or 0))
        if width > 0:
            start = WIDTH - x - width if rtl else x
            parts.append(f'<rect x="{start:.1f}" y="0" width="{width:.1f}" height="{HEIGHT}" fill="{colour}"/>')
        x += width
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'aria-hidden="true" focusable="false"><rect width="{WIDTH}" height="{HEIGHT}" fill="#f1f1f1"/>'
            f'{"".join(parts)}</svg>')


def score_chart(title, rows, series, rtl=False, empty="—") -> Markup:
    """Grouped bars on a 0–100 % scale: ``rows`` [(label, [share 0..1 or None per series])], ``series`` their
    names (e.g. pre-test, post-test). A missing value shows ``empty`` and no bar."""
    html = [f'<figure class="tm-chart"><figcaption>{escape(title)}</figcaption><table class="tm-chart-table"><tbody>']
    for label, values in rows:
        for index, (value, name) in enumerate(zip(values, series)):
            head = f'<th scope="row" rowspan="{len(series)}"><bdi>{escape(label)}</bdi></th>' if index == 0 else ""
            html.append(f'<tr>{head}<td class="small">{escape(name)}</td>'
                        f'<td>{_svg([(value, SERIES_COLOURS[index % 2])], rtl)}</td>'
                        f'<td class="tm-chart-value">{escape(fmt_percent(value)) if value is not None else escape(empty)}</td></tr>')
    html.append("</tbody></table></figure>")
    return Markup("".join(html))


def likert_chart(title, items, labels, rtl=False, lang="en") -> Markup:
    """One stacked bar per item of its answers 1–5 (``distribution``), with its mean; ``labels`` the five words."""
    html = [f'<figure class="tm-chart"><figcaption>{escape(title)}</figcaption><table class="tm-chart-table"><tbody>']
    for item in items:
        distribution = item.get("distribution") or {}
        total = sum(distribution.values())
        segments = [(distribution.get(str(v), 0) / total if total else 0, LIKERT_COLOURS[v - 1]) for v in range(1, 6)]
        label = item.get("question_ar") if lang == "ar" and item.get("question_ar") else item.get("question")
        mean = item.get("mean")
        html.append(f'<tr><th scope="row"><bdi>{escape(label)}</bdi></th><td>{_svg(segments, rtl)}</td>'
                    f'<td class="tm-chart-value">{f"{mean:.1f}" if mean is not None else "—"}</td></tr>')
    html.append("</tbody></table>")
    keys = " ".join(f'<span class="tm-chart-key"><svg width="10" height="10" aria-hidden="true" focusable="false">'
                    f'<rect width="10" height="10" fill="{LIKERT_COLOURS[v - 1]}"/></svg> {v} {escape(labels[v])}</span>'
                    for v in range(1, 6))
    html.append(f'<p class="tm-chart-legend small">{keys}</p></figure>')
    return Markup("".join(html))


def evaluation_charts(figures, shares=()) -> dict:
    """The charts of a training's (or a programme's) figures: knowledge by group, per question, reaction items."""
    rtl, lang = text_direction() == "rtl", current_language()
    series = (_("Pre-test"), _("Post-test"))
    knowledge = figures["knowledge"]
    groups = [(_("All paired participants"), knowledge)] + [
        (SEX_LABELS[sex], knowledge["by_sex"][sex]) for sex in knowledge["by_sex"]] + [
        (localized_name(row, lang), row) for row in knowledge["by_organisation"]]
    return {
        "knowledge": score_chart(_("Mean score before and after"),
                                        [(label, [g["mean_pre"], g["mean_post"]]) for label, g in groups if g["paired"]],
                                        series, rtl),
        "questions": score_chart(_("Share answering each question right"), [
            (row["question_ar"] if lang == "ar" and row["question_ar"] else row["question"], [row["pre"], row["post"]])
            for row in shares], series, rtl),
        "reaction": likert_chart(_("Reaction survey"), figures["reaction"]["items"], LIKERT_LABELS, rtl, lang),
        "follow_up": likert_chart(_("Follow-up survey"), figures["follow_up"]["items"], LIKERT_LABELS, rtl, lang),
    }


def localized_name(row, lang) -> str:
    """An organisation row of the figures in the active language; "Not recorded" without one."""
    if row["organisation_id"] is None:
        return _("Organisation not recorded")
    return (row["organisation_ar"] if lang == "ar" and row["organisation_ar"] else row["organisation"]) or ""
