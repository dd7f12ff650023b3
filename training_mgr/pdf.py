"""The only module that imports WeasyPrint.

``render_pdf(template, **context)`` renders a Jinja template from ``templates/pdf/`` to PDF bytes.
The URL fetcher serves the app's own static files and refuses everything else, so nothing typed
by a user (a name containing ``<img src="file:///etc/passwd">``, say) can make the renderer read
a file or reach the network.
"""
import base64
import io
import mimetypes
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlparse

from flask import current_app, render_template

STATIC_PREFIX = "static:/"


class FetchRefused(ValueError):
    pass


def static_url(filename: str) -> str:
    """The URL a print template uses for an app asset (fonts, logos, CSS)."""
    return STATIC_PREFIX + filename.lstrip("/")


def app_only_url_fetcher(url: str, *args, **kwargs):
    """Serve ``static:/<path>`` from the app's static folder and decode inline ``data:`` URIs
    (signature images, QR codes); refuse every other URL."""
    if url.startswith("data:"):
        return _decode_data_uri(url)
    static_root = Path(current_app.static_folder).resolve()
    if url.startswith(STATIC_PREFIX):
        relative = unquote(urlparse(url).path.lstrip("/"))
        path = (static_root / relative).resolve()
        if path.is_relative_to(static_root) and path.is_file():
            mime, _ = mimetypes.guess_type(path.name)
            return {"string": path.read_bytes(), "mime_type": mime or "application/octet-stream", "redirected_url": url}
    current_app.logger.warning("PDF renderer refused to fetch %r", url[:200])
    raise FetchRefused(f"Refused to fetch {url[:100]!r}")


def _decode_data_uri(url: str) -> dict:
    """Bytes already inside the document: nothing is read from anywhere."""
    header, _, payload = url[len("data:"):].partition(",")
    media_type, *parameters = header.split(";")
    data = base64.b64decode(payload) if "base64" in parameters else unquote_to_bytes(payload)
    return {"string": data, "mime_type": media_type or "text/plain", "redirected_url": url}


def _weasyprint_fetcher():
    """``app_only_url_fetcher`` in the shape WeasyPrint (70+) calls: a URLFetcher whose fetch answers."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AppOnlyURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            found = app_only_url_fetcher(url)
            return URLFetcherResponse(found["redirected_url"], found["string"], {"Content-Type": found["mime_type"]})

    return AppOnlyURLFetcher()


def _html(template: str, context: dict):
    from weasyprint import HTML

    markup = render_template(template, static_url=static_url, **context)
    return HTML(string=markup, base_url=STATIC_PREFIX, url_fetcher=_weasyprint_fetcher())


def render_document(template: str, **context):
    """Lay out a template and return the WeasyPrint document (its pages can be split or merged)."""
    return _html(template, context).render()


def render_pdf(template: str, **context) -> bytes:
    """Render a template to PDF bytes with fonts embedded."""
    return render_document(template, **context).write_pdf()


def render_batch(template: str, *, anchor_prefix: str, on_progress=None, **context) -> list[bytes]:
    """Lay out many documents in one pass, write one PDF, and split it into one PDF per document.

    The template renders every document in turn, each starting on a new page with an element whose
    id is ``anchor_prefix`` (passed to the template) followed by its index; a document's pages run up
    to the next such anchor. Layout and font subsetting happen once for the whole batch; splitting
    the written PDF costs a few milliseconds a file (see docs/performance.md). Each file is a complete
    PDF carrying the fonts it uses. ``on_progress(n)`` is called after each file.
    """
    from pypdf import PdfReader, PdfWriter

    document = render_document(template, anchor_prefix=anchor_prefix, **context)
    groups = []
    for number, page in enumerate(document.pages):
        if not groups or any(anchor.startswith(anchor_prefix) for anchor in page.anchors):
            groups.append([])
        groups[-1].append(number)
    reader = PdfReader(io.BytesIO(document.write_pdf()))
    metadata = {key: value for key, value in (reader.metadata or {}).items() if isinstance(value, str)}
    files = []
    for numbers in groups:
        writer = PdfWriter()
        for number in numbers:
            writer.add_page(reader.pages[number])
        if metadata:
            writer.add_metadata(metadata)
        buffer = io.BytesIO()
        writer.write(buffer)
        files.append(buffer.getvalue())
        if on_progress:
            on_progress(1)
    return files
