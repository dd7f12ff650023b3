"""Several app servers, proven on this machine (scripts/cluster.sh): two gunicorn servers, a worker and the
scheduler on one PostgreSQL and one Redis, mail to a real SMTP server on loopback."""
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.cluster.conftest import Browser, wait_for
from tests.factories import PASSWORD, OrganisationFactory, TrainingSessionFactory, UserFactory
from training_mgr.extensions import db
from training_mgr.registrations.models import Registration

# one cluster for the whole run: every test of this module on the same xdist worker (scripts/test.sh: --dist loadgroup)
pytestmark = [pytest.mark.cluster, pytest.mark.xdist_group("cluster")]

RUSH = 24
CAPACITY = 10


def _register(base, training_id, organisation_id, n):
    return Browser(base).submit(f"/sessions/{training_id}/register", {
        "name": f"Rush Person {'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n % 26]}{'abcdefghij'[n // 26]}", "name_ar": "", "sex": "female" if n % 2 else "male",
        "organisation": str(organisation_id), "organisation_other": "", "position": "Border officer",
        "email": f"rush{n}@ministry.example", "phone": "", "consent": "y", "website": "",
    })[0]


def test_a_registration_rush_across_both_servers_never_overbooks_and_mails_each_person_once(cluster, cluster_app):
    training = TrainingSessionFactory(title="Rush training", capacity=CAPACITY)
    organisation = OrganisationFactory()
    db.session.commit()
    training_id, organisation_id = training.id, organisation.id
    sent_before = len(cluster.smtp.messages)

    with ThreadPoolExecutor(max_workers=RUSH) as pool:  # all at once, every other one on the second server
        statuses = list(pool.map(
            lambda n: _register(cluster.urls[n % 2], training_id, organisation_id, n), range(RUSH)))
    assert statuses == [302] * RUSH, statuses

    db.session.rollback()
    counts = dict(db.session.execute(
        select(Registration.status, func.count()).where(Registration.training_id == training_id)
        .group_by(Registration.status)).all())
    assert counts == {"confirmed": CAPACITY, "waitlisted": RUSH - CAPACITY}

    def about_the_rush():
        return [m for m in cluster.smtp.messages[sent_before:] if "Rush training" in str(m["Subject"])]

    # the worker sends one message about the registration to each person; wait for all, then a little longer
    wait_for(lambda: len(about_the_rush()) >= RUSH, timeout=90, what="the worker to mail every registrant")
    import time
    time.sleep(6)  # longer than the scheduler's retry round: nothing is sent twice
    per_person = Counter(str(m["To"]) for m in about_the_rush())
    assert sorted(per_person) == sorted(f"rush{n}@ministry.example" for n in range(RUSH))
    assert set(per_person.values()) == {1}, per_person
    confirmed = [m for m in about_the_rush() if "confirmed" in str(m["Subject"]).lower()]
    assert len(confirmed) == CAPACITY


def test_the_log_in_limit_holds_across_both_servers(cluster, cluster_app):
    UserFactory(email="guessed@agency.example", role="officer")
    db.session.commit()
    browsers = [Browser(url) for url in cluster.urls]

    def guess(n):  # alternately on each server
        return browsers[n % 2].submit("/login", {"email": "guessed@agency.example", "password": f"guess-{n}"})[0]

    statuses = [guess(n) for n in range(14)]
    # 10 failures for one account from one address in 15 minutes, counted in Redis whichever server answered
    assert statuses == [200] * 10 + [429] * 4, statuses
    assert Browser(cluster.urls[0]).submit("/login", {"email": "guessed@agency.example", "password": PASSWORD})[0] == 429
