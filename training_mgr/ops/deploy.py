"""``check-deploy``: the checklist a deployer runs before opening the app to real users.

Each check says whether it passes and, when it does not, what to change. Any failure makes the
command exit with status 1, so it can guard a deployment script.
"""
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select, text
from werkzeug.sansio.utils import host_is_trusted

#: secret keys seen in examples and tutorials; a key anyone can read is no secret
WELL_KNOWN_SECRET_KEYS = {"dev", "development", "secret", "secret-key", "changeme", "change-me", "test-secret-key"}
MIN_SECRET_KEY_LENGTH = 32
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:5000"


@dataclass
class Check:
    name: str
    #: "pass", "warn" (worth reading, does not fail the run) or "fail"
    status: str
    detail: str
    fix: str = ""


def run_checks(app) -> list[Check]:
    """Every check, in the order a deployer would fix them. Needs an app context."""
    config = app.config
    workers = int(config.get("WEB_CONCURRENCY") or 1)
    return [
        _secret_key(config),
        _debug(app),
        _database(config, workers),
        _migrations(),
        _demo_accounts(),
        _mail(config),
        _https(config),
        _public_base_url(config),
        _trusted_hosts(config),
        _rate_limit_storage(config, workers),
        _shared_state(config),
        _translations(app),
    ]


def _secret_key(config) -> Check:
    key = config.get("SECRET_KEY") or ""
    name = "Secret key"
    fix = ("Generate one (python -c 'import secrets; print(secrets.token_hex(32))') and set it in "
           "TRAINING_MGR_SECRET_KEY, the same on every app server.")
    if config.get("SECRET_KEY_GENERATED"):
        return Check(name, "fail", "generated automatically in instance/ on this machine.", fix)
    if key.lower() in WELL_KNOWN_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
        return Check(name, "fail", f"a well-known or short value ({len(key)} characters).", fix)
    return Check(name, "pass", f"set in the configuration ({len(key)} characters).")


def _debug(app) -> Check:
    if app.debug or app.config.get("DEBUG_CONFIGURED") or app.config.get("TESTING"):
        return Check("Debug mode", "fail", "debug or testing mode is on: errors would show code to users.",
                     "Unset TRAINING_MGR_DEBUG / FLASK_DEBUG and TRAINING_MGR_TESTING.")
    return Check("Debug mode", "pass", "off.")


def _database(config, workers) -> Check:
    from ..extensions import db

    url = db.engine.url
    name = "Database"
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means the same thing to a deployer
        return Check(name, "fail", f"cannot connect to {url.render_as_string(hide_password=True)}: {error}",
                     "Check TRAINING_MGR_SQLALCHEMY_DATABASE_URI and that the database server is running.")
    if url.get_backend_name() == "sqlite":
        if workers > 1:
            return Check(name, "fail", f"SQLite with {workers} worker processes: writers would queue and time out.",
                         "Use PostgreSQL (TRAINING_MGR_SQLALCHEMY_DATABASE_URI=postgresql+psycopg://…), "
                         "or run one worker (TRAINING_MGR_WEB_CONCURRENCY=1).")
        return Check(name, "warn", "SQLite with one worker: fine for a small pilot; PostgreSQL for several servers.")
    return Check(name, "pass", f"{url.get_backend_name()} at {url.host or 'local socket'}, database {url.database}.")


def _migrations() -> Check:
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask import current_app

    from ..extensions import db

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception:
        return Check("Schema", "fail", "cannot read the schema version.", "Fix the database connection first.")
    heads = set(script.get_heads())
    if current != heads:
        return Check("Schema", "fail", f"at {', '.join(sorted(current)) or 'nothing'}, the code expects "
                     f"{', '.join(sorted(heads))}.", "Run: flask --app training_mgr db upgrade")
    return Check("Schema", "pass", f"up to date ({', '.join(sorted(heads))}).")


def _demo_accounts() -> Check:
    from ..auth.models import User
    from ..extensions import db

    try:
        demo = db.session.scalar(select(User.email).where(User.email.like("%@example.org")).limit(1))
    except Exception:
        db.session.rollback()
        return Check("Demo data", "fail", "cannot read the user accounts.", "Fix the database and schema first.")
    if demo:
        return Check("Demo data", "fail", f"demo accounts exist (e.g. {demo}) with a published password.",
                     "Deploy on a fresh database: create the first admin with flask --app training_mgr create-user.")
    return Check("Demo data", "pass", "no demo accounts.")


def _mail(config) -> Check:
    if not config.get("MAIL_SERVER"):
        return Check("E-mail", "fail", "no mail server: confirmations and password resets would only be logged.",
                     "Set TRAINING_MGR_MAIL_SERVER, TRAINING_MGR_MAIL_PORT and TRAINING_MGR_MAIL_DEFAULT_SENDER.")
    if str(config.get("MAIL_DEFAULT_SENDER", "")).endswith("@localhost"):
        return Check("E-mail", "fail", f"the sender {config['MAIL_DEFAULT_SENDER']} cannot receive replies.",
                     "Set TRAINING_MGR_MAIL_DEFAULT_SENDER to a real address of your organisation.")
    return Check("E-mail", "pass", f"sent through {config['MAIL_SERVER']}:{config.get('MAIL_PORT')}.")


def _https(config) -> Check:
    if config.get("PREFERRED_URL_SCHEME") != "https":
        return Check("HTTPS", "fail", "the app is not configured for HTTPS: passwords would cross the network in clear.",
                     "Put a TLS reverse proxy in front (see docs/deployment.md) and set "
                     "TRAINING_MGR_PREFERRED_URL_SCHEME=https and TRAINING_MGR_PROXY_COUNT=1.")
    if not config.get("SESSION_COOKIE_SECURE") or not config.get("REMEMBER_COOKIE_SECURE"):
        return Check("HTTPS", "fail", "HTTPS is configured but the log-in cookies are not marked Secure.",
                     "Remove TRAINING_MGR_SESSION_COOKIE_SECURE / TRAINING_MGR_REMEMBER_COOKIE_SECURE overrides.")
    if not int(config.get("PROXY_COUNT") or 0):
        return Check("HTTPS", "warn", "HTTPS with no trusted proxy: fine only if gunicorn terminates TLS itself.",
                     "Behind a reverse proxy set TRAINING_MGR_PROXY_COUNT to the number of proxies.")
    return Check("HTTPS", "pass", "served over HTTPS; cookies Secure, HttpOnly, SameSite=Lax.")


def _public_base_url(config) -> Check:
    url = config.get("PUBLIC_BASE_URL") or ""
    if url == DEFAULT_PUBLIC_BASE_URL or not url.startswith("https://") or not urlsplit(url).hostname:
        return Check("Public address", "fail", f"PUBLIC_BASE_URL is {url!r}: QR codes and e-mail links would point there.",
                     "Set TRAINING_MGR_PUBLIC_BASE_URL to the https:// address users reach.")
    return Check("Public address", "pass", f"links and QR codes point to {url}.")


def unmatchable_hosts(hosts) -> list[str]:
    """The entries of a trusted-hosts list that no request can match: IPv6 literals (``[::1]``), which Werkzeug
    cannot compare with the ``Host`` header, so a request using one answers 400 whatever the list says."""
    return [host for host in hosts if host.startswith("[") or host.count(":") > 1]


def _trusted_hosts(config) -> Check:
    """Which Host headers are answered; the public address must be one of them. Lists only hosts that are."""
    hosts = list(config.get("TRUSTED_HOSTS") or [])  # never empty: load_config fills in the defaults
    name = "Trusted hosts"
    public_host = urlsplit(config.get("PUBLIC_BASE_URL") or "").netloc
    if public_host and not host_is_trusted(public_host, hosts):
        return Check(name, "fail", f"{', '.join(hosts)}: the public address {public_host} would answer 400.",
                     f"Add {urlsplit(config.get('PUBLIC_BASE_URL')).hostname} to TRAINING_MGR_TRUSTED_HOSTS "
                     "(a name: an IPv6 literal is never matched).")
    refused = unmatchable_hosts(hosts)
    answered = ", ".join(host for host in hosts if host not in refused)
    if refused:
        return Check(name, "warn", f"requests for {answered} are answered; {', '.join(refused)} cannot be matched "
                     "(an IPv6 literal), so requests for it get 400 like any other host.",
                     "Use a name (e.g. localhost) instead of the IPv6 literal in TRAINING_MGR_TRUSTED_HOSTS.")
    return Check(name, "pass", f"requests for {answered} are answered; any other host gets 400.")


def _rate_limit_storage(config, workers) -> Check:
    name = "Log-in throttling"
    if not config.get("RATELIMIT_ENABLED"):
        return Check(name, "fail", "rate limiting is switched off: passwords could be guessed without end.",
                     "Unset TRAINING_MGR_RATELIMIT_ENABLED.")
    storage = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if storage.startswith("memory://") and workers > 1:
        return Check(name, "fail", f"counters kept in memory by each of {workers} workers: each would allow the full limit.",
                     "Unset TRAINING_MGR_RATELIMIT_STORAGE_URI: the counters then live in the database that every "
                     "worker and server shares (or in Redis with TRAINING_MGR_REDIS_URL).")
    if storage.startswith("memory://"):
        return Check(name, "pass", "counters in the memory of the one worker.")
    where = "the database" if storage.startswith("trainingdb://") else "Redis"
    return Check(name, "pass", f"counters in {where}, shared by every worker and server.")


def several_servers(config) -> bool:
    """Whether this configuration is one of several processes on several machines: ``APP_SERVERS`` above 1, or
    ``REDIS_URL`` set (Redis is there to share work and state with a worker and other app servers)."""
    return int(config.get("APP_SERVERS") or 1) > 1 or bool(config.get("REDIS_URL"))


def local_state(config) -> list[tuple[str, str]]:
    """What this configuration keeps on one machine only: (what, what to change) for each.

    A generated secret key in instance/, SQLite, rate-limit counters or pages in a process's memory, and files
    written to a local folder (any setting named ``…_DIR`` or ``…_FOLDER``).
    """
    from ..core.pagecache import cache_settings
    from ..extensions import db

    found = []
    if config.get("SECRET_KEY_GENERATED"):
        found.append(("the secret key was generated in instance/ on this machine: every server would make its own "
                      "and refuse the others' log-in cookies and forms",
                      "Set TRAINING_MGR_SECRET_KEY, the same on every server."))
    if db.engine.url.get_backend_name() == "sqlite":
        found.append(("the database is an SQLite file on this machine",
                      "Use PostgreSQL: TRAINING_MGR_SQLALCHEMY_DATABASE_URI=postgresql+psycopg://…"))
    if str(config.get("RATELIMIT_STORAGE_URI") or "").startswith("memory://"):
        found.append(("rate-limit counters are kept in each process's memory",
                      "Unset TRAINING_MGR_RATELIMIT_STORAGE_URI (counters in Redis or the database)."))
    cache = cache_settings(config)
    if cache is not None and cache["CACHE_TYPE"] != "RedisCache":
        found.append(("the page cache is kept in each process's memory",
                      "Set TRAINING_MGR_REDIS_URL (the cache is then shared), or TRAINING_MGR_PAGE_CACHE_ENTRIES=0."))
    for key in sorted(config):
        if key.endswith(("_DIR", "_FOLDER")) and config[key]:
            found.append((f"files are written to the local folder {config[key]} ({key})",
                          f"Unset TRAINING_MGR_{key}: files belong in the database, which every server shares."))
    return found


def _shared_state(config) -> Check:
    name = "Several servers"
    if not several_servers(config):
        return Check(name, "pass", "one app server (APP_SERVERS=1, no REDIS_URL): state on this machine is fine.")
    found = local_state(config)
    if found:
        return Check(name, "fail", "several servers, but " + "; ".join(what for what, _ in found) + ".",
                     " ".join(fix for _, fix in found))
    return Check(name, "pass", "nothing is kept on one machine: database, secret key, cache and counters are shared.")


def stale_catalogues(app) -> list[tuple[str, str]]:
    """The languages the product offers (``LANGUAGES``, but the default one, the source texts) whose pages and e-mails
    would come out in the default language: (language, why) for each with no compiled catalogue (``messages.mo``) in
    the translation folders (``BABEL_TRANSLATION_DIRECTORIES``, as Flask-Babel reads them), or one compiled before its
    ``messages.po`` last changed (a translated message missing or different; compared by content, since an install
    does not keep the files' times)."""
    from pathlib import Path

    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    config = app.config
    folders = [Path(app.root_path) / folder
               for folder in str(config.get("BABEL_TRANSLATION_DIRECTORIES") or "translations").split(";")]
    found = []
    for language in config.get("LANGUAGES") or ():
        if language == config.get("BABEL_DEFAULT_LOCALE", "en"):
            continue
        mo = next((path for folder in folders if (path := folder / language / "LC_MESSAGES" / "messages.mo").is_file()),
                  None)
        if mo is None:
            found.append((language, "no compiled catalogue (messages.mo)"))
            continue
        po = mo.with_suffix(".po")
        if not po.is_file():  # an installed wheel may carry the compiled catalogue alone
            continue
        with mo.open("rb") as compiled_file, po.open("rb") as source_file:
            compiled, source = read_mo(compiled_file), read_po(source_file, locale=language)
        changed = sum(1 for message in source if message.id and message.string and not message.fuzzy
                      and _strings(compiled.get(message.id, message.context)) != _strings(message))
        if changed:
            found.append((language, f"its messages.mo is older than messages.po ({changed} translated "
                                    f"message{'' if changed == 1 else 's'} missing or different)"))
    return found


def _strings(message) -> tuple | None:
    if message is None:
        return None
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


def _translations(app) -> Check:
    from babel import Locale

    name = "Translations"
    found = stale_catalogues(app)
    default = Locale.parse(app.config.get("BABEL_DEFAULT_LOCALE", "en")).english_name
    if found:
        return Check(name, "fail", "; ".join(f"{Locale.parse(language).english_name} ({language}): {why}"
                                             for language, why in found)
                     + f": its readers would get pages and e-mails in {default}.",
                     "Compile the catalogues: scripts/translations.sh compile (or pybabel compile -d "
                     "training_mgr/translations); a wheel (pip install .) carries them compiled.")
    offered = ", ".join(Locale.parse(language).english_name for language in app.config.get("LANGUAGES") or ())
    return Check(name, "pass", f"every language offered has its compiled catalogue ({offered}).")


def format_checks(checks: list[Check]) -> str:
    lines = []
    for check in checks:
        lines.append(f"[{check.status.upper():4}] {check.name}: {check.detail}")
        if check.fix and check.status != "pass":
            lines.append(f"       -> {check.fix}")
    failed = sum(c.status == "fail" for c in checks)
    lines.append(f"{failed} check(s) failed." if failed else "Ready for production.")
    return "\n".join(lines)
