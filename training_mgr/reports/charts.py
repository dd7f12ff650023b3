"""Bar charts drawn on the server as SVG, shown the same on the dashboard and in the PDFs (no JS, no CDN).

A chart is a small table: the label of each bar is HTML text (so Arabic names are shaped, ordered and
extracted from PDFs correctly, which SVG text in WeasyPrint is not), the bar an inline SVG of stacked
segments, and the total a number. Colours come from a palette that stays readable in greyscale print.
"""
from markupsafe import Markup, escape

from ..core.i18n import fmt_number

#: colours of the series, in order (dark blue, orange, teal, grey, purple)
PALETTE = ("#1f4e79", "#e07b00", "#2a9d8f", "#8a8a8a", "#7b4f9d")
BAR_WIDTH = 240
BAR_HEIGHT = 14


def _bar(values, largest, colours, rtl):
    """An SVG of stacked segments, their length proportional to ``largest``; they grow from the start side."""
    parts = []
    x = 0.0
    for value, colour in zip(values, colours):
        width = BAR_WIDTH * value / largest if largest else 0
        if width > 0:
            start = BAR_WIDTH - x - width if rtl else x
            parts.append(f'<rect x="{start:.1f}" y="0" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>')
        x += width
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
        f'viewBox="0 0 {BAR_WIDTH} {BAR_HEIGHT}" aria-hidden="true" focusable="false">{"".join(parts)}</svg>'
    )


def _swatch(colour):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" '
        f'focusable="false"><rect width="10" height="10" fill="{colour}"/></svg>'
    )


def bar_chart(title, rows, series=None, rtl=False) -> Markup:
    """A horizontal bar chart.

    ``rows``: ``[(label, [value per series])]`` (or ``(label, value)`` for a single series);
    ``series``: the names of the series, shown as a legend when there is more than one.
    The same markup is embedded in the dashboard and in the print templates.
    """
    rows = [(label, values if isinstance(values, (list, tuple)) else [values]) for label, values in rows]
    colours = PALETTE[: max((len(v) for _, v in rows), default=1)]
    largest = max((sum(v) for _, v in rows), default=0)
    html = [f'<figure class="tm-chart"><figcaption>{escape(title)}</figcaption>', '<table class="tm-chart-table"><tbody>']
    for label, values in rows:
        html.append(
            f'<tr><th scope="row"><bdi>{escape(label)}</bdi></th>'
            f'<td class="tm-chart-bar">{_bar(values, largest, colours, rtl)}</td>'
            f'<td class="tm-chart-value">{escape(fmt_number(sum(values)))}</td></tr>'
        )
    html.append("</tbody></table>")
    if series and len(series) > 1:
        legend = " ".join(
            f'<span class="tm-chart-key">{_swatch(colour)} {escape(name)}</span>' for name, colour in zip(series, colours)
        )
        html.append(f'<p class="tm-chart-legend">{legend}</p>')
    html.append("</figure>")
    return Markup("".join(html))
