"""Static files on a slow connection: compressed, kept by the browser, under addresses that change with them."""
import gzip
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "training_mgr" / "static"
COMPRESSED = [p for p in STATIC.rglob("*") if p.suffix in {".css", ".js", ".svg", ".ico"}]


def _static_urls(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', page)


@pytest.mark.parametrize("path", COMPRESSED, ids=lambda p: str(p.relative_to(STATIC)))
def test_each_stylesheet_and_script_has_its_compressed_copy_and_it_is_current(path):
    copy = path.with_name(path.name + ".gz")
    assert copy.is_file(), f"run scripts/compress_static.sh: {copy.name} is missing"
    assert gzip.decompress(copy.read_bytes()) == path.read_bytes(), f"run scripts/compress_static.sh: {copy.name} is stale"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_first_visit_downloads_the_pages_files_compressed_and_keeps_them_for_a_year(client, lang):
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    urls = _static_urls(page)
    sent = plain = 0
    assert any("bootstrap" in url and url.split("?")[0].endswith(".css") for url in urls)
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert response.status_code == 200, url
        assert "immutable" in response.headers["Cache-Control"] and "max-age=31536000" in response.headers["Cache-Control"]
        if url.split("?")[0].endswith((".css", ".js")):
            assert response.headers["Content-Encoding"] == "gzip", url
            original = (STATIC / url.split("?")[0].removeprefix("/static/")).read_bytes()
            assert gzip.decompress(response.data) == original
            sent, plain = sent + len(response.data), plain + len(original)
    assert sent < plain / 4  # Bootstrap's stylesheet and script travel at about a seventh of their size


def test_a_browser_that_does_not_accept_gzip_gets_the_plain_file(client):
    url = next(u for u in _static_urls(client.get("/").get_data(as_text=True)) if u.split("?")[0].endswith(".css"))
    response = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data == (STATIC / url.split("?")[0].removeprefix("/static/")).read_bytes()


def test_a_changed_file_gets_a_new_address(app, tmp_path):
    from training_mgr.core.static import file_version

    (tmp_path / "a.css").write_text("body{color:red}")
    before = file_version(str(tmp_path), "a.css")
    (tmp_path / "a.css").write_text("body{color:blue}")
    assert file_version(str(tmp_path), "a.css") != before
    assert file_version(str(tmp_path), "missing.css") is None


def test_the_site_has_an_icon_where_browsers_look_for_it(client):
    assert client.get("/favicon.ico").status_code == 200
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg\?v=', page)
