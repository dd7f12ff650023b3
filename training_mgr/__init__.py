"""training_mgr: capacity-building trainings from scheduling to verifiable certificates."""
from pathlib import Path

from flask import Flask

PACKAGE = Path(__file__).resolve().parent
#: the source checkout when running from one (or installed with ``pip install -e .``); site-packages when installed
ROOT = PACKAGE.parent

#: every feature package with a ``views.bp`` blueprint, registered in this order
BLUEPRINTS = (
    "core",
    "auth",
    "catalogue",
    "account",
    "organisations",
    "courses",
    "trainings",
    "registrations",
    "nominations",
    "questions",
    "agenda",
    "erasure",
    "attendance",
    "checkin",
    "payments",
    "recommendations",
    "evaluation",
    "certificates",
    "letters",
    "messages",
    "reports",
    "bulk",
    "audit",
    "mail",
    "api",
)

#: packages that add ``flask`` commands through a ``cli.register(app)`` function: the entry-point packages
#: (``seeds``: demo and synthetic data; ``ops``: deploy check, backup, restore) and the features
CLI_MODULES = ("seeds", "ops", "auth", "bulk", "certificates", "checkin", "reports", "mail", "erasure", "registrations", "nominations", "evaluation", "questions", "messages")


def app_folder(name: str) -> Path | None:
    """Where the app's ``templates``, ``migrations`` or ``instance`` folder is, as an absolute path.

    From a source checkout (run in the clone, or installed with ``pip install -e .``; recognised by ``pyproject.toml``
    beside the package): the top-level folder ``name`` of the checkout. Installed from a wheel (``pip install .``):
    ``templates`` and ``migrations`` are the copies setup.py put into the package, and ``instance`` is None, which
    leaves Flask's default for an installed package, ``<prefix>/var/training_mgr-instance`` (``config`` creates it).
    """
    if (ROOT / "pyproject.toml").is_file():
        return ROOT / name
    return None if name == "instance" else PACKAGE / name


def create_app(config=None):
    """Application factory. ``config`` (a dict) overrides everything else; tests use it."""
    from importlib import import_module

    from . import models, worker  # noqa: F401  (models: every table known to SQLAlchemy and Alembic)
    from .auth import loaders as auth_loaders, services as auth_services
    from .config import load_config
    from .core import cachecontrol, db as db_setup, errors, i18n, pagecache, ratelimit, security, signals, static, text, urls
    from .extensions import babel, csrf, db, login_manager, migrate
    from .bulk import services as bulk
    from .mail import services as mail
    from .nominations import services as nominations
    from .questions import services as questions

    instance = app_folder("instance")
    app = Flask(
        __name__,
        instance_path=str(instance) if instance else None,
        instance_relative_config=True,
        template_folder=str(app_folder("templates")),
    )
    load_config(app, config)
    app.json.ensure_ascii = False
    app.url_map.converters["int"] = urls.DatabaseIdConverter  # before any route is added

    static.init_app(app)  # compressed, versioned static files, before anything reads the database
    db_setup.init_app(app)
    db.init_app(app)
    pagecache.init_app(app)
    migrate.init_app(app, db, directory=str(app_folder("migrations")), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    auth_loaders.init_app(app)  # who a request is: the session cookie or an API bearer token
    ratelimit.init_app(app)  # chooses the shared store of the rate-limit counters
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.init_app(app)
    signals.language_chosen.connect(auth_services.set_preferred_language)  # a chosen language goes in the profile
    signals.participant_erased.connect(nominations.forget_nominee)  # what a focal point typed about the person
    signals.participant_erased.connect(questions.forget_answers)  # the person's answers to registration questions
    signals.participant_erased.connect(bulk.drop_files_naming)  # the kept job files that can name the person
    _connect_features(app)
    text.init_app(app)
    security.init_app(app)
    urls.init_app(app)
    cachecontrol.init_app(app)
    errors.init_app(app)
    mail.init_app(app)
    worker.init_app(app)  # background jobs: Celery on Redis, or in-process without it; `flask worker`

    for name in BLUEPRINTS:
        app.register_blueprint(import_module(f".{name}.views", __name__).bp)
    for name in CLI_MODULES:
        import_module(f".{name}.cli", __name__).register(app)
    return app


def _connect_features(app):
    """Features that react to, or answer for, a feature below them (``core/signals.py``; connecting twice is harmless),
    and what a lower feature's page shows of a higher one's (template globals)."""
    from .attendance.services import days_with_marks
    from .checkin.tokens import badge_urls
    from .core import signals
    from .registrations.notifications import training_cancelled
    from .registrations.seats import quota_usage, training_seats_taken
    from .registrations.services import promote_from_waitlist
    from .agenda.services import agenda_of, released_materials
    from .messages.services import log_of
    from .messages.tasks import announce_issued_certificates
    from .nominations.balance import quota_refusal
    from .reports.officer_home import training_figures

    signals.seats_in_use.connect(training_seats_taken)
    signals.days_in_use.connect(days_with_marks)
    signals.seats_freed.connect(promote_from_waitlist)
    signals.training_cancelled.connect(training_cancelled)
    signals.certificates_issued.connect(announce_issued_certificates)  # "your certificate is ready" at once
    signals.badge_links.connect(badge_urls)
    signals.confirmation_blocked.connect(quota_refusal)  # a nominee on their organisation's waiting list
    app.add_template_global(training_figures)  # a training's key figures on its page (trainings/detail.html)
    app.add_template_global(agenda_of)  # the agenda on a training's public page (catalogue/session.html)
    app.add_template_global(released_materials)  # and its released materials, for a confirmed participant
    app.add_template_global(log_of, "message_log")  # what a person was sent, on their registration page
    app.add_template_global(quota_usage)  # seats each organisation has taken, on the quotas page (trainings/quotas.html)
