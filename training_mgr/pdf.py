"""The only module that imports WeasyPrint.

``render_pdf(template, **context)`` renders a Jinja template from ``templates/pdf/`` to PDF bytes.
The URL fetcher serves the app's own static files and refuses everything else, so nothing typed
by a user (a name containing ``<img src="file:///etc/passwd">``, say) can make the renderer read
a file or reach the network.
"""
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import current_app, render_template

STATIC_PREFIX = "static:/"


class FetchRefused(ValueError):
    pass


def static_url(filename: str) -> str:
    """The URL a print template uses for an app asset (fonts, logos, CSS)."""
    return STATIC_PREFIX + filename.lstrip("/")


def app_only_url_fetcher(url: str, *args, **kwargs):
    """Serve ``static:/<path>`` from the app's static folder; refuse every other URL."""
    static_root = Path(current_app.static_folder).resolve()
    if url.startswith(STATIC_PREFIX):
        relative = unquote(urlparse(url).path.lstrip("/"))
        path = (static_root / relative).resolve()
        if path.is_relative_to(static_root) and path.is_file():
            mime, _ = mimetypes.guess_type(path.name)
            return {"string": path.read_bytes(), "mime_type": mime or "application/octet-stream", "redirected_url": url}
    current_app.logger.warning("PDF renderer refused to fetch %r", url[:200])
    raise FetchRefused(f"Refused to fetch {url[:100]!r}")


def _html(template: str, context: dict):
    from weasyprint import HTML

    markup = render_template(template, static_url=static_url, **context)
    return HTML(string=markup, base_url=STATIC_PREFIX, url_fetcher=app_only_url_fetcher)


def render_document(template: str, **context):
    """Lay out a template and return the WeasyPrint document (its pages can be split or merged)."""
    return _html(template, context).render()


def render_pdf(template: str, **context) -> bytes:
    """Render a template to PDF bytes with fonts embedded."""
    return render_document(template, **context).write_pdf()


def write_pages(document, pages) -> bytes:
    """A PDF of some pages of an already laid-out document (used to split a batch into per-person files)."""
    return document.copy(pages).write_pdf()
