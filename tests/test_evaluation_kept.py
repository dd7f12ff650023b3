"""The knowledge tests summed by the database (``evaluation.tallies``): the kept sums equal a count over the answers
after every kind of write that can change them (scores kept to nine decimals), and the evaluation figures read from
them equal the figures of the answers as stored."""
from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import delete, insert, select, update

from tests.factories import OrganisationFactory, ParticipantFactory, RegistrationFactory, TrainingSessionFactory, UserFactory
from training_mgr.evaluation import results
from training_mgr.evaluation.models import Instrument, Response
from training_mgr.evaluation.tallies import SCALE, EvaluationTally
from training_mgr.extensions import db
from training_mgr.participants.models import Participant
from training_mgr.registrations.models import Registration
from training_mgr.seeds.synthetic import seed_synthetic

FIELDS = ("pre_responses", "pre_sum", "post_responses", "post_sum", "paired", "paired_pre_sum", "paired_post_sum",
          "increased")


def kept():
    """{(training, sex, organisation or None): the sums kept}, rows with something in them."""
    rows = db.session.scalars(select(EvaluationTally)).all()
    return {(r.training_id, r.sex, r.organisation_id or None):
            tuple(round(getattr(r, f) / SCALE if f.endswith("sum") else getattr(r, f), 9) for f in FIELDS)
            for r in rows if r.pre_responses or r.post_responses}


def counted():
    """The same sums from the answers of the confirmed participants as they are."""
    scores = defaultdict(dict)  # (training, person) -> {kind: score}
    for training, kind, person, score in db.session.execute(
        select(Instrument.training_id, Instrument.kind, Response.participant_id, Response.score)
        .join(Response, Response.instrument_id == Instrument.id).where(Instrument.kind.in_(("pre", "post")))
    ):
        scores[(training, person)][kind] = score
    sums = defaultdict(lambda: [0, 0.0, 0, 0.0, 0, 0.0, 0.0, 0])
    for training, person, sex, organisation in db.session.execute(
        select(Registration.training_id, Registration.participant_id, Participant.sex, Participant.organisation_id)
        .join(Participant, Participant.id == Registration.participant_id).where(Registration.status == "confirmed")
    ):
        taken = scores.get((training, person))
        if not taken:
            continue
        row = sums[(training, sex, organisation)]
        pre, post = taken.get("pre"), taken.get("post")
        if "pre" in taken:
            row[0] += 1
            row[1] += pre or 0.0
        if "post" in taken:
            row[2] += 1
            row[3] += post or 0.0
        if "pre" in taken and "post" in taken:
            row[4] += 1
            row[5] += pre or 0.0
            row[6] += post or 0.0
            row[7] += pre is not None and post is not None and post > pre
    return {key: tuple(round(v, 9) for v in row) for key, row in sums.items()}


def answer(instrument, person, score):
    response = Response(instrument_id=instrument.id, participant_id=person.id, score=score, submitted_on=date(2026, 1, 5))
    db.session.add(response)
    db.session.commit()
    return response


def test_kept_sums_follow_every_kind_of_write(app):
    ministry, commission = OrganisationFactory(), OrganisationFactory()
    training, other = TrainingSessionFactory(), TrainingSessionFactory()
    pre, post = (Instrument(training_id=training.id, kind=kind) for kind in ("pre", "post"))
    other_pre = Instrument(training_id=other.id, kind="pre")
    reaction = Instrument(training_id=training.id, kind="reaction")
    db.session.add_all([pre, post, other_pre, reaction])
    db.session.commit()
    amal, omar = ParticipantFactory(sex="female", organisation=ministry), ParticipantFactory(sex="male", organisation=ministry)
    huda = ParticipantFactory(sex="female", organisation=None, organisation_other="Not in the list")
    for person in (amal, omar, huda):
        RegistrationFactory(training=training, participant=person)
    RegistrationFactory(training=other, participant=amal)

    answer(pre, amal, 0.25)
    answer(post, amal, 0.75)
    answer(pre, omar, 0.5)
    answer(other_pre, amal, 1.0)
    db.session.execute(insert(Response), [  # a Core insert, a score-less answer and an anonymous survey answer
        {"instrument_id": post.id, "participant_id": omar.id, "score": 0.25, "submitted_on": date(2026, 1, 6)},
        {"instrument_id": pre.id, "participant_id": huda.id, "score": None, "submitted_on": date(2026, 1, 6)},
        {"instrument_id": reaction.id, "participant_id": None, "score": None, "submitted_on": date(2026, 1, 6)},
    ])
    db.session.commit()
    assert kept() == counted() == {
        (training.id, "female", ministry.id): (1, 0.25, 1, 0.75, 1, 0.25, 0.75, 1),
        (training.id, "male", ministry.id): (1, 0.5, 1, 0.25, 1, 0.5, 0.25, 0),
        (training.id, "female", None): (1, 0.0, 0, 0.0, 0, 0.0, 0.0, 0),
        (other.id, "female", ministry.id): (1, 1.0, 0, 0.0, 0, 0.0, 0.0, 0),
    }

    # answers changed and removed
    db.session.execute(update(Response).where(Response.participant_id == omar.id, Response.instrument_id == post.id)
                       .values(score=1.0))
    db.session.execute(delete(Response).where(Response.participant_id == amal.id, Response.instrument_id == pre.id))
    db.session.commit()
    assert kept() == counted()

    # registrations: withdrawn, confirmed again in bulk, removed, added for someone who had answered
    omar_registration = db.session.scalar(select(Registration).where(Registration.participant_id == omar.id))
    omar_registration.status = "withdrawn"
    db.session.commit()
    assert kept() == counted() and (training.id, "male", ministry.id) not in kept()
    db.session.execute(update(Registration).where(Registration.status == "withdrawn").values(status="confirmed"))
    db.session.commit()
    assert kept() == counted() and (training.id, "male", ministry.id) in kept()
    db.session.execute(delete(Registration).where(Registration.training_id == other.id))
    db.session.commit()
    assert kept() == counted() and not any(key[0] == other.id for key in kept())
    RegistrationFactory(training=other, participant=amal)
    assert kept() == counted() and (other.id, "female", ministry.id) in kept()

    # the person: another organisation, another sex
    amal.organisation, omar.sex = commission, "female"
    db.session.commit()
    assert kept() == counted() and (training.id, "female", commission.id) in kept()

    # a questionnaire removed with its answers
    db.session.delete(db.session.get(Instrument, pre.id))
    db.session.commit()
    assert kept() == counted() and all(sums[0] == 0 for key, sums in kept().items() if key[0] == training.id)


def test_erasure_keeps_the_sums(app):
    from training_mgr.erasure.services import erase_participant

    training = TrainingSessionFactory()
    pre, post = Instrument(training_id=training.id, kind="pre"), Instrument(training_id=training.id, kind="post")
    db.session.add_all([pre, post])
    db.session.commit()
    person = RegistrationFactory(training=training).participant
    answer(pre, person, 0.5)
    answer(post, person, 1.0)
    before = kept()
    erase_participant(person, by_user=UserFactory(role="admin"))
    db.session.commit()
    assert kept() == counted() == before != {}


def test_the_figures_from_the_kept_sums_equal_the_answers_as_stored(app):
    seed_synthetic(8, 60, seed=11, today=date(2025, 6, 1))
    assert kept() == counted()
    trainings = db.session.scalars(select(Instrument.training_id).where(Instrument.kind == "pre")).all()
    figures = results.evaluation_figures(trainings)
    expected = counted()
    for training_id in trainings:
        rows = [sums for key, sums in expected.items() if key[0] == training_id]
        knowledge = figures[training_id]["knowledge"]
        assert knowledge["paired"] == sum(r[4] for r in rows) > 0
        assert knowledge["mean_pre"] == pytest.approx(sum(r[5] for r in rows) / knowledge["paired"])
        assert figures[training_id]["post_test"]["responses"] == sum(r[2] for r in rows)
        assert figures[training_id]["pre_test"]["mean_score"] == pytest.approx(sum(r[1] for r in rows) / sum(r[0] for r in rows))
