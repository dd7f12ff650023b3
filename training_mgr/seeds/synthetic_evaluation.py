"""Evaluation answers for ``seed-synthetic``, cheap enough for a million registrations.

Every completed training gets a pre-test and a post-test of its course's five true/false questions and a
reaction survey with the default items. Test responses hold their score only (no row per question: the reports
read scores), and a ``Respondent`` row each; about 90 % of the confirmed take the pre-test, 85 % the post-test,
and up to ``REACTION_PER_TRAINING`` answer the reaction survey, with one row per item.
"""
from datetime import datetime, time, timezone

from sqlalchemy import select

from ..evaluation import bank
from ..evaluation.models import Answer, Instrument, InstrumentItem, Respondent, Response
from ..extensions import db
from ..registrations.models import Registration

QUESTIONS = 5
REACTION_PER_TRAINING = 30


def seed_evaluation(rng, trainings, insert_rows, batch_rows: int) -> int:
    """Instruments and answers for ``trainings`` (completed ones); returns how many responses were made."""
    if not trainings:
        return 0
    tests, reactions = {}, {}
    for course in {t.course for t in trainings}:
        questions = bank.bank_of(course, "test")
        for i in range(len(questions), QUESTIONS):
            bank.new_question(course, {"bank": "test", "kind": "true_false", "text": f"Statement {i + 1} of {course.title}",
                                        "text_ar": f"العبارة {i + 1}", "options": [dict(o) for o in bank.TRUE_FALSE_OPTIONS],
                                        "correct": [i % 2], "theme": None}, None)
        tests[course.id] = bank.bank_of(course, "test")[:QUESTIONS]
        reactions[course.id] = [q for q in bank.ensure_survey_items(course, "reaction") if q.kind == "likert"]
    instruments = {}
    for training in trainings:
        opens = datetime.combine(training.start_date, time(6), tzinfo=timezone.utc)
        closes = datetime.combine(training.end_date, time(15), tzinfo=timezone.utc)
        for kind in ("pre", "post", "reaction"):
            items = tests[training.course_id] if kind != "reaction" else reactions[training.course_id]
            instrument = Instrument(training_id=training.id, kind=kind, opens_at=opens, closes_at=closes)
            instrument.items = [InstrumentItem(question_id=q.id, position=i) for i, q in enumerate(items)]
            db.session.add(instrument)
            instruments[(training.id, kind)] = instrument
    db.session.flush()

    confirmed = db.session.execute(select(Registration.training_id, Registration.participant_id).where(
        Registration.training_id.in_([t.id for t in trainings]), Registration.status == "confirmed")).all()
    by_training = {}
    for training_id, participant_id in confirmed:
        by_training.setdefault(training_id, []).append(participant_id)
    responses, respondents, made = [], [], 0
    reaction_rows = []
    for training in trainings:
        day_one, last_day = training.start_date, training.end_date
        for index, participant_id in enumerate(by_training.get(training.id, [])):
            before = rng.randint(0, QUESTIONS)
            after = min(QUESTIONS, before + rng.choice((-1, 0, 1, 1, 2, 2, 3)))
            for kind, right, share, on in (("pre", before, 0.9, day_one), ("post", max(after, 0), 0.85, last_day)):
                if rng.random() < share:
                    instrument = instruments[(training.id, kind)]
                    responses.append({"instrument_id": instrument.id, "participant_id": participant_id,
                                      "score": right / QUESTIONS, "source": "online", "submitted_on": on})
                    respondents.append({"instrument_id": instrument.id, "participant_id": participant_id})
            if index < REACTION_PER_TRAINING and rng.random() < 0.8:
                instrument = instruments[(training.id, "reaction")]
                reaction_rows.append((instrument, [rng.choice((3, 4, 4, 5, 5)) for _ in instrument.items], last_day))
                respondents.append({"instrument_id": instrument.id, "participant_id": participant_id})
            if len(responses) >= batch_rows:
                made += _flush(insert_rows, responses, respondents)
                responses, respondents = [], []
    made += _flush(insert_rows, responses, respondents)
    if reaction_rows:
        rng.shuffle(reaction_rows)  # not in the respondents' order (evaluation/anonymity.py)
        ids = insert_rows(Response, [{"instrument_id": i.id, "participant_id": None, "score": None, "source": "online",
                                      "submitted_on": on} for i, _, on in reaction_rows], returning=True)
        insert_rows(Answer, [{"response_id": response_id, "question_id": item.question_id, "value": value}
                             for response_id, (instrument, values, _) in zip(ids, reaction_rows)
                             for item, value in zip(instrument.items, values)])
        made += len(ids)
    return made


def _flush(insert_rows, responses, respondents) -> int:
    insert_rows(Response, responses)
    insert_rows(Respondent, respondents)
    return len(responses)
