"""The only module that imports WeasyPrint.

``render_pdf(template, **context)`` renders a Jinja template from ``templates/pdf/`` to PDF bytes.
The URL fetcher serves the app's own static files and refuses everything else, so nothing typed
by a user (a name containing ``<img src="file:///etc/passwd">``, say) can make the renderer read
a file or reach the network.
"""
import base64
import contextlib
import functools
import gc
import io
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlparse

from flask import current_app, render_template

from . import pdf_text

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


#: the rules of WeasyPrint's HTML stylesheet for footnote and note pseudo-elements, each naming every element
_UNSCOPED_PSEUDO_ELEMENTS = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}$", re.M)


@functools.cache
def _html_class():
    """WeasyPrint's HTML with its user-agent stylesheet kept to what the print templates draw.

    WeasyPrint computes a style for each pseudo-element that a rule names, for every element the rule matches.
    Its HTML stylesheet names ``::marker``, ``::footnote-call``, ``::footnote-marker``, ``::note-call``,
    ``::note-marker`` and ``::note-callback`` for every element, so six styles were computed per element: a
    quarter of a report's drawing time (docs/performance.md, report drawing). Here ``::marker`` applies to list
    items only (the only elements that draw one), and the footnote and note rules are left out (no print template
    floats footnotes or notes). A WeasyPrint whose stylesheet no longer reads so is used as it is.
    """
    from weasyprint import CSS, HTML
    from weasyprint import html as weasyprint_html
    from weasyprint.css.counters import CounterStyle

    standard = weasyprint_html.UA_STYLESHEET
    text, found = _UNSCOPED_PSEUDO_ELEMENTS.subn("", weasyprint_html.UA)
    text, markers = re.subn(r"^::marker \{", "li::marker {", text, flags=re.M)
    if not (found and markers):
        return HTML
    # its @counter-style rules are in the counter styles every document starts from already (a second parse
    # into those would be refused, with a warning)
    lean = CSS(string=text, counter_style=CounterStyle())

    class PrintHTML(HTML):
        def _ua_stylesheets(self, *args, **kwargs):
            return [lean if sheet is standard else sheet for sheet in super()._ua_stylesheets(*args, **kwargs)]

    return PrintHTML


def template_helpers() -> dict:
    """What every print template may call beside its own context: ``static_url``, and ``unbroken_hyphens`` for names."""
    return {"static_url": static_url, "unbroken_hyphens": pdf_text.unbroken_hyphens}


def _html(template: str, context: dict):
    pdf_text.install()
    markup = pdf_text.isolate_directions(render_template(template, **template_helpers(), **context))
    return _html_class()(string=markup, base_url=STATIC_PREFIX, url_fetcher=_weasyprint_fetcher())


def fit_font_size(text: str, fonts: tuple[str, ...], **box) -> float:
    """The font size (pt) at which ``text`` fits a box, measured in the app's ``fonts`` (file names under
    static/fonts/, the first that has a character draws it): see ``pdf_text.fitted_font_size`` for ``box``."""
    folder = Path(current_app.static_folder) / "fonts"
    return pdf_text.fitted_font_size(text, tuple(str(folder / name) for name in fonts), **box)


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector held back while WeasyPrint lays out or writes a document.

    A layout builds tens of thousands of boxes, styles and text layouts that all live until the document is
    written, and each full collection on the way walks every one of them again, for nothing: 10–25% of a report's
    drawing time (docs/performance.md, report drawing). Memory freed by reference counting goes as usual; cycles
    wait for the collector's next run. The collector is process-wide: it is switched back on only if it was on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_document(template: str, **context):
    """Lay out a template and return the WeasyPrint document (its pages can be split or merged)."""
    with _collector_paused():
        return _html(template, context).render()


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as a PNG ``data:`` URI for a print template (certificates, badges, sign-in sheets).

    A small PNG drawn without smoothing: cheaper to lay out and embed than an SVG of many paths.
    """
    import segno

    return segno.make(text, error="m").png_data_uri(scale=4, border=0, dark="#1d2b44")


def image_data_uri(data: bytes | None, mimetype: str | None) -> str | None:
    """Stored image bytes (a logo, a signature) as a ``data:`` URI for a print template, or None without them."""
    if not data or not mimetype:
        return None
    return f"data:{mimetype};base64,{base64.b64encode(data).decode()}"


def render_pdf(template: str, **context) -> bytes:
    """Render a template to PDF bytes with fonts embedded."""
    document = render_document(template, **context)
    with _collector_paused():
        return document.write_pdf()


#: documents laid out per WeasyPrint document in a batch: some steps of laying out and of splitting
#: a PDF grow with its length, so a long batch goes in parts
BATCH_PART = 100


def render_batch(template: str, documents: str, *, anchor_prefix: str, on_progress=None, **context) -> list[bytes]:
    """One single-page PDF per document for many documents, laying out what they share once.

    ``context[documents]`` is the list of documents. The template draws each on its own page, whose
    first element has the id ``anchor_prefix`` followed by the document's index, in the ``layer``
    it is given: "personal" draws only what differs per document, in the places the rest would push
    it to; "shared" draws everything else. Elements with ids ``<anchor_prefix><index>-…`` mark the
    places that depend on a document's own content (where a long name ends, say): documents whose
    marks fall in the same places share one laid-out "shared" page. The personal layer is given
    ``shared_marks``, where the first document's marks sit on its shared page ({name: y}), to stand
    in for parts that are the same for everyone. Each file is the document's personal page with its
    shared page drawn underneath, so only the personal parts are laid out once per document (see
    docs/performance.md); every file is complete, with the fonts it uses, and holds none of the
    other documents' images (a person's file must not carry the others' QR codes). ``on_progress(n)``
    is called after each file.
    """
    import pikepdf

    items = context.pop(documents)
    if not items:
        return []
    first = render_document(template, layer="shared", anchor_prefix=anchor_prefix, **{documents: items[:1]}, **context)
    shared_marks = dict(_layout_marks(first.pages[0], f"{anchor_prefix}0-"))
    personal_pdfs, layouts = [], []
    for start in range(0, len(items), BATCH_PART):
        part = items[start:start + BATCH_PART]
        personal = render_document(template, layer="personal", anchor_prefix=anchor_prefix, shared_marks=shared_marks,
                                   **{documents: part}, **context)
        if len(personal.pages) != len(part):
            raise ValueError(f"{template} must lay out each document on one page")
        layouts += [_layout_marks(page, f"{anchor_prefix}{index}-") for index, page in enumerate(personal.pages)]
        personal_pdfs.append(pikepdf.Pdf.open(io.BytesIO(personal.write_pdf())))
    distinct = list(dict.fromkeys(layouts))  # the first is the first document's, laid out above
    shared_docs = [first]
    if len(distinct) > 1:
        examples = [items[layouts.index(layout)] for layout in distinct[1:]]
        shared_docs.append(render_document(template, layer="shared", anchor_prefix=anchor_prefix,
                                           **{documents: examples}, **context))
    shared_layouts = [_layout_marks(page, f"{anchor_prefix}{index}-")
                      for doc in shared_docs for index, page in enumerate(doc.pages)]
    if not all(_same_layout(*pair) for pair in zip(shared_layouts, distinct)):
        raise ValueError(f"{template} lays out its shared layer differently from its personal one")

    shared_pdfs = [pikepdf.Pdf.open(io.BytesIO(doc.write_pdf())) for doc in shared_docs]
    for page in (page for source in shared_pdfs + personal_pdfs for page in source.pages):
        _keep_own_resources(page)
    backgrounds = [page.as_form_xobject() for shared_pdf in shared_pdfs for page in shared_pdf.pages]
    files = []
    pages = [(source, page) for source in personal_pdfs for page in source.pages]
    for (source, page), layout in zip(pages, layouts):
        single = pikepdf.Pdf.new()
        single.pages.append(page)
        single.pages[0].add_underlay(single.copy_foreign(backgrounds[distinct.index(layout)]))
        for key, value in source.docinfo.items():
            single.docinfo[key] = value
        buffer = io.BytesIO()
        single.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        files.append(buffer.getvalue())
        if on_progress:
            on_progress(1)
    return files


def merge_pdfs(files, on_progress=None) -> bytes:
    """PDF files one after the other as one file, each font, image and drawing they share stored once.

    Files split from one batch (``render_batch``) hold byte-identical copies of the batch's font subsets and
    of the shared layer they are drawn on: appended as they are, 500 certificates weigh 94 MB. Here a
    resource (font, image, form) equal in every byte to one already kept is replaced by that one, so the
    merged file keeps each once. ``on_progress(n)`` is called after each file.
    """
    import pikepdf

    merged = pikepdf.Pdf.new()
    kept, fingerprints = {}, {}
    for data in files:
        source = pikepdf.Pdf.open(io.BytesIO(data))
        for page in source.pages:
            merged.pages.append(page)
            _share_resources(merged.pages[-1].obj.get("/Resources"), kept, fingerprints)
        if on_progress:
            on_progress(1)
    buffer = io.BytesIO()
    merged.remove_unreferenced_resources()
    merged.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _share_resources(resources, kept: dict, fingerprints: dict) -> None:
    """Point ``resources``' fonts and XObjects (and those of the forms among them) to equal ones kept before."""
    if resources is None:
        return
    for category in ("/Font", "/XObject"):
        entries = resources.get(category)
        for name, value in list(entries.items()) if entries is not None else ():
            if category == "/XObject" and value.get("/Subtype") == "/Form":
                _share_resources(value.get("/Resources"), kept, fingerprints)
            entries[name] = kept.setdefault(_fingerprint(value, fingerprints), value)


def _fingerprint(obj, memo: dict) -> str:
    """A digest of everything ``obj`` holds, following references (not /Parent): equal digests, equal objects."""
    import hashlib

    import pikepdf

    if not isinstance(obj, pikepdf.Object):  # numbers, booleans
        return repr(obj)
    key = obj.objgen if obj.is_indirect else None
    if key in memo:
        return memo[key]
    digest = hashlib.sha256()
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        for name in sorted(obj.keys()):
            if name not in ("/Parent", "/Length"):
                digest.update(name.encode() + _fingerprint(obj[name], memo).encode())
        if isinstance(obj, pikepdf.Stream):
            digest.update(obj.read_raw_bytes())
    elif isinstance(obj, pikepdf.Array):
        for item in obj:
            digest.update(_fingerprint(item, memo).encode())
    else:
        digest.update(repr(obj).encode())
    value = digest.hexdigest()
    if key is not None:
        memo[key] = value
    return value


def _keep_own_resources(page) -> None:
    """Give ``page`` a resource dictionary of its own holding only what its content draws.

    WeasyPrint writes one resource dictionary for all the pages of a document: a page copied out
    alone would carry every other page's images with it (the other people's QR codes, unseen but
    decodable). Fonts stay shared: a page's text uses the document's one subset of each font.
    """
    import pikepdf

    resources = page.obj.get("/Resources")
    if resources is None:
        return
    page.obj.Resources = pikepdf.Dictionary({
        key: pikepdf.Dictionary(dict(value.items())) if isinstance(value, pikepdf.Dictionary) else value
        for key, value in resources.items()
    })
    page.remove_unreferenced_resources()


def _layout_marks(page, prefix: str) -> tuple:
    """Where the page's marks ``<prefix>…`` sit, as sorted (name, y) pairs: the same marks, the same layout."""
    return tuple(sorted((anchor[len(prefix):], round(position[1], 2)) for anchor, position in page.anchors.items()
                        if anchor.startswith(prefix)))  # a position starts with x, y


def _same_layout(marks, other_marks) -> bool:
    """The same marks within a hundredth of a pixel (a block standing in for text may add rounding)."""
    return [name for name, _y in marks] == [name for name, _y in other_marks] and all(
        abs(y - other_y) < 0.02 for (_name, y), (_other, other_y) in zip(marks, other_marks))

