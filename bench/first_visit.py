"""First visit on a slow connection: the catalogue in Chromium at 400 kbit/s with 400 ms latency.

    .venv/bin/python bench/first_visit.py [--runs 3]

Loads the demo into a temporary SQLite database, starts gunicorn with the production settings on
127.0.0.1, and opens the catalogue (English and Arabic) in headless Chromium with an empty cache and
the network throttled through the DevTools protocol (400 kbit/s down and up, 400 ms round trip). It
prints the time to the ``load`` event and the bytes transferred, for:

- **now**: what browsers get (static files compressed, see core/static.py);
- **uncompressed**: the same page when the browser does not accept gzip — the old way, before static
  files were served compressed.

Target: ≤ 3 s for the catalogue. A second visit (files kept by the browser for a year) is printed too.
"""
import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import free_port, start_gunicorn  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KBIT = 1000 / 8  # bytes per second in one kbit/s


def visit(browser, url, identity: bool, warm: bool = False) -> tuple[float, int]:
    """Seconds to the load event and bytes received, on a fresh throttled page."""
    context = browser.new_context(extra_http_headers={"Accept-Encoding": "identity"} if identity else {})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    if warm:
        page.goto(url, wait_until="load")
        received.clear()
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400, "downloadThroughput": 400 * KBIT, "uploadThroughput": 400 * KBIT,
    })
    page.goto(url, wait_until="load")
    seconds = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd / 1000")
    context.close()
    return seconds, sum(received)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/demo.db"
        env = {**os.environ, "TRAINING_MGR_SQLALCHEMY_DATABASE_URI": database_url,
               "TRAINING_MGR_SECRET_KEY": secrets.token_hex(32)}
        flask = [str(Path(sys.executable).with_name("flask")), "--app", "training_mgr"]
        for command in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
        port = free_port()
        server = start_gunicorn(database_url, port, workers=2, threads=2)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=os.environ.get("TRAINING_MGR_CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"])
                print(f"{'page':<14} {'way':<14} {'load (s)':>9} {'KB':>7}")
                results = {}
                for lang in ("en", "ar"):
                    url = f"http://127.0.0.1:{port}/?lang={lang}"
                    visit(browser, url, identity=False)  # warm-up: templates compiled, page cache filled
                    for way, identity, warm in (("now", False, False), ("uncompressed", True, False),
                                                ("second visit", False, True)):
                        runs = [visit(browser, url, identity, warm) for _ in range(args.runs)]
                        seconds = statistics.median(r[0] for r in runs)
                        results[lang, way] = seconds
                        print(f"catalogue {lang:<4} {way:<14} {seconds:>9.2f} {runs[0][1] / 1000:>7.0f}")
                browser.close()
        finally:
            server.terminate()
            server.wait()
    for lang in ("en", "ar"):
        now, old = results[lang, "now"], results[lang, "uncompressed"]
        print(f"{lang}: {now:.2f} s now vs {old:.2f} s uncompressed (ratio {now / old:.2f});"
              f" target ≤ 3 s {'met' if now <= 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
