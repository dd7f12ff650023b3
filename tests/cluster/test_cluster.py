"""Several app servers, proven on this machine (scripts/cluster.sh): two gunicorn servers, a worker and the
scheduler on one PostgreSQL and one Redis, mail to a real SMTP server on loopback."""
import os
import re
import signal
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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


# --- bulk jobs: progress on any server, a worker killed mid-job ------------------------------------------------

def _completed_training_with_eligible(count):
    from tests.factories import CompletedTrainingFactory, attended

    officer = UserFactory(role="officer")
    training = CompletedTrainingFactory(officers=[officer], title="Bulk training")
    for _ in range(count):
        attended(training, ["present"] * 3)
    db.session.commit()
    return officer, training.id


def _start_issue(base, officer, training_id):
    """Log in on ``base`` and issue certificates to everyone eligible; returns (the browser, the job's id)."""
    browser = Browser(base)
    assert browser.submit("/login", {"email": officer.email, "password": PASSWORD})[0] == 302
    status, _ = browser.submit(f"/officer/trainings/{training_id}/certificates/issue", {"scope": "all"},
                               form_path=f"/officer/trainings/{training_id}/certificates")
    assert status == 302 and "/jobs/" in browser.location, (status, browser.location)
    return browser, int(browser.location.rstrip("/").rsplit("/", 1)[1])


def _issued(training_id):
    from training_mgr.certificates.models import Certificate

    db.session.rollback()
    serials = db.session.scalars(select(Certificate.serial).join(Registration)
                                 .where(Registration.training_id == training_id)).all()
    return serials


def test_a_bulk_job_started_on_one_server_shows_its_progress_on_the_other(cluster, cluster_app):
    officer, training_id = _completed_training_with_eligible(60)
    browser, job_id = _start_issue(cluster.urls[0], officer, training_id)
    elsewhere = Browser(cluster.urls[1], cookies=browser.cookies)  # the same officer, through the other server

    seen = []

    def finished():
        status, job = elsewhere.json(f"/jobs/{job_id}.json")
        assert status == 200, job
        seen.append((job["status"], job["done"], job["total"]))
        return job["status"] in ("done", "failed") and job

    job = wait_for(finished, timeout=120, what="the bulk job to finish")
    assert job["status"] == "done" and job["done"] == job["total"] == 60, job
    assert any(status in ("queued", "running") for status, _, _ in seen), seen  # it answered before the work was done
    dones = [done for _, done, _ in seen if done is not None]
    assert dones == sorted(dones)  # progress only goes forward, whichever server reads it
    status, page = elsewhere.request(f"/jobs/{job_id}")
    assert status == 200 and "60 of 60" in page
    assert len(_issued(training_id)) == 60


def test_a_worker_killed_mid_job_and_started_again_completes_the_job_once(cluster, cluster_app):
    officer, training_id = _completed_training_with_eligible(120)
    browser, job_id = _start_issue(cluster.urls[1], officer, training_id)
    status_of = Browser(cluster.urls[0], cookies=browser.cookies)

    def job():
        return status_of.json(f"/jobs/{job_id}.json")[1]

    wait_for(lambda: (job()["done"] or 0) >= 10, timeout=90, what="the job to get going")
    os.killpg(cluster.pid("worker"), signal.SIGKILL)  # the worker and its pool, mid-job, no time to clean up
    killed_at = job()
    assert killed_at["status"] != "done" and killed_at["done"] < 120, killed_at

    cluster.start()  # starts again what is not running: the worker
    final = wait_for(lambda: job()["status"] in ("done", "failed") and job(), timeout=150,
                     what="the job to finish after the worker came back")
    assert final["status"] == "done" and final["done"] == final["total"] == 120, final
    serials = _issued(training_id)
    assert len(serials) == 120 and len(set(serials)) == 120  # everyone once, no serial twice


# --- what a new operator meets: Arabic, links that lead somewhere, servers that share no socket, a lasting queue ------

def test_a_cluster_started_from_a_fresh_clone_serves_arabic(cluster):
    # the fixture gave it the translations as a clone has them: .po files, no compiled catalogue (not in git)
    folder = Path(cluster.settings["TRAINING_MGR_BABEL_TRANSLATION_DIRECTORIES"])
    assert (folder / "ar" / "LC_MESSAGES" / "messages.mo").is_file()
    for url in cluster.urls:
        status, page = Browser(url).request("/login?lang=ar")
        assert status == 200 and "تسجيل الدخول" in page, url


def test_links_in_e_mails_lead_to_an_app_server_of_the_cluster(cluster, cluster_app):
    assert cluster.settings["TRAINING_MGR_PUBLIC_BASE_URL"] == cluster.urls[0]
    training = TrainingSessionFactory(title="Linked training", capacity=5)
    organisation = OrganisationFactory()
    db.session.commit()
    sent_before = len(cluster.smtp.messages)
    assert _register(cluster.urls[1], training.id, organisation.id, 99) == 302

    def the_confirmation():
        return next((m for m in cluster.smtp.messages[sent_before:] if "Linked training" in str(m["Subject"])), None)

    message = wait_for(the_confirmation, timeout=60, what="the registration's e-mail")
    links = re.findall(r"https?://[^\s<>\"')]+", message.get_body(("plain",)).get_content())
    assert links and all(link.startswith(cluster.urls[0] + "/") for link in links), links
    status, _ = Browser(cluster.urls[0]).request(links[0][len(cluster.urls[0]):])
    assert status in (200, 302), links[0]


def test_each_app_server_runs_without_a_control_socket_to_share(cluster):
    for name in ("app1", "app2"):
        log = (cluster.dir / "logs" / f"{name}.log").read_text()
        assert "Listening at" in log and "Control socket listening" not in log, log[-2000:]


def test_what_redis_holds_survives_its_restart(cluster):
    def redis(*command):
        return subprocess.run(["redis-cli", "-p", cluster.settings["REDIS_PORT"], *command],
                              capture_output=True, text=True, timeout=10).stdout.strip()

    assert redis("SET", "cluster-test:kept", "yes") == "OK"
    pid = cluster.pid("redis")
    os.killpg(pid, signal.SIGTERM)  # a restart of Redis: queued jobs are kept in it like this key
    wait_for(lambda: subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
             .stdout.strip()[:1] in ("", "Z"), timeout=30, what="Redis to stop")
    cluster.start()
    assert redis("GET", "cluster-test:kept") == "yes"
