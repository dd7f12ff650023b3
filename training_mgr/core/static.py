"""Static files for slow connections: compressed, cached for a year, under addresses that change with them.

- **Content-addressed URLs.** ``url_for("static", filename=…)`` adds ``?v=<first 12 hex digits of the
  file's SHA-256>``; a changed file gets a new address, so browsers and proxies may keep every version
  for a year (``Cache-Control: max-age=31536000, public, immutable``) and a returning visitor downloads
  nothing.
- **Compressed.** WhiteNoise serves ``file.gz`` beside ``file`` to any browser that accepts gzip (about a
  seventh of Bootstrap's size). The ``.gz`` files are made by ``scripts/compress_static.sh`` and kept in the
  repository, so they are in the wheel; ``tests/test_static.py`` fails when one is missing or stale.
- **Root files.** ``static/site_root/`` is served at the site's root (``/favicon.ico``), as browsers ask there.

WhiteNoise answers these requests before Flask (also in ``flask run``), reading no database. Behind nginx,
the proxy may serve ``/static/`` itself with ``gzip_static on`` (see docs/deployment.md); the URLs stay the same.
"""
import hashlib
from functools import lru_cache
from pathlib import Path

from whitenoise import WhiteNoise

#: seconds a versioned static file may be kept: one year, the longest HTTP caches honour
ONE_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=512)
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def file_version(static_folder: str, filename: str) -> str | None:
    """The version tag of static file ``filename`` (its content's hash), or None when there is no such file.

    Re-read only when the file's modification time changes, so a file edited during development gets a new tag.
    """
    path = Path(static_folder, filename)
    try:
        return _digest(path, path.stat().st_mtime_ns)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def init_app(app):
    """Serve ``app``'s static folder through WhiteNoise and version its URLs (see the module's rules)."""
    static = app.static_folder
    prefix = app.static_url_path.strip("/") + "/"
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=static, prefix=prefix, max_age=ONE_YEAR,
                              immutable_file_test=lambda path, url: True)
    root_files = Path(static, "site_root")
    if root_files.is_dir():
        app.wsgi_app.add_files(str(root_files), prefix="")

    @app.url_defaults
    def version_static_urls(endpoint, values):
        if endpoint == "static" and "v" not in values:
            version = file_version(static, values.get("filename", ""))
            if version:
                values["v"] = version
