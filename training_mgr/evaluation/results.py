"""Every evaluation figure, in one place: the training's evaluation page, the session and programme reports,
the dashboard and the API all read them from here.

Definitions (each is printed in one line on the reports, ``DEFINITIONS``):

- a test's **score** is the share of its questions answered exactly right, 0..1 (shown as 0–100 %);
- the **knowledge figures** (pre-test, post-test, paired, gains, per question) count only participants whose
  registration is confirmed now: a test taken by someone withdrawn afterwards is left out;
- **responses** of a survey: the people who answered it (a withdrawn person's anonymous answer cannot be taken
  out, so it stays); **response rate**: responses ÷ (confirmed participants + those who answered and are no
  longer confirmed), so it never passes 100 % (over several trainings: of the trainings that used it);
- **mean pre / post score**: the mean score of everyone confirmed who took that test;
- **paired**: confirmed participants with both a pre-test and a post-test; the gains below count only them;
- **increased share**: share of the paired whose post score is above their pre score;
- **mean gain**: mean of (post − pre); **normalised gain** (Hake): (mean post − mean pre) ÷ (1 − mean pre);
- **reaction**: mean (1–5) and distribution of each item; not broken down at all below ``MIN_REACTION_GROUP``
  responses (the survey is anonymous), and pooled over trainings only from trainings with that many responses
  each (otherwise the pool minus the shown trainings would give a small one's answers away);
- **recommendations**: the training's recommendations by status, and how many are overdue
  (``Recommendation.is_overdue``).

A figure with nothing to count is None ("no responses"), never 0. ``evaluation_figures`` runs a fixed number of
statements whatever the number of trainings and answers.
"""
from collections import defaultdict
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from ..extensions import db
from ..organisations.models import Organisation
from ..participants.models import SEXES, Participant
from ..recommendations.models import RECOMMENDATION_STATUSES, Recommendation
from ..registrations.models import Registration
from .models import Answer, Instrument, InstrumentItem, Question, Respondent, Response
from .tallies import SCALE, EvaluationTally

#: the reaction survey is shown item by item only from this many responses (anonymity)
MIN_REACTION_GROUP = 5
LIKERT = ("1", "2", "3", "4", "5")
#: the words of the Likert scale, 1 to 5
LIKERT_LABELS = {1: _l("Strongly disagree"), 2: _l("Disagree"), 3: _l("Neutral"), 4: _l("Agree"), 5: _l("Strongly agree")}

#: one line per definition, printed on the reports and the evaluation page
DEFINITIONS = (
    _l("Score: share of a test's questions answered exactly right (0–100%)."),
    _l("Response rate: people who answered ÷ confirmed participants (surveys: plus those who answered and are no "
       "longer confirmed), never above 100%; test figures count confirmed participants only."),
    _l("Paired: participants who took both the pre-test and the post-test; the knowledge figures count only them."),
    _l("Increased: share of the paired whose post-test score is above their pre-test score."),
    _l("Mean gain: mean of (post − pre); normalised gain: (mean post − mean pre) ÷ (100% − mean pre)."),
    _l("Reaction: mean (1 = strongly disagree … 5 = strongly agree) and spread of answers; anonymous, shown only from "
       "5 responses, and pooled over trainings only from trainings with 5 responses or more."),
    _l("Recommendations: by status; overdue = due date passed, neither implemented nor not pursued."),
)


def knowledge(groups) -> dict:
    """Knowledge figures of ``groups`` [(paired, sum of pre scores, sum of post scores, how many increased), …]
    (scores 0..1): ``paired``, ``mean_pre``, ``mean_post``, ``increased_share``, ``mean_gain``,
    ``normalised_gain`` (None when there is nothing to count). Every figure is a sum over people, so groups add up."""
    n = sum(g[0] for g in groups)
    if not n:
        return {"paired": 0, "mean_pre": None, "mean_post": None, "increased_share": None, "mean_gain": None,
                "normalised_gain": None}
    mean_pre = sum(g[1] for g in groups) / n
    mean_post = sum(g[2] for g in groups) / n
    return {
        "paired": n,
        "mean_pre": mean_pre,
        "mean_post": mean_post,
        "increased_share": sum(g[3] for g in groups) / n,
        "mean_gain": mean_post - mean_pre,
        "normalised_gain": (mean_post - mean_pre) / (1 - mean_pre) if mean_pre < 1 - 1e-9 else None,
    }


def _rate(responses, confirmed):
    return responses / confirmed if confirmed else None


def _confirmed(training_id, participant_id):
    """Join condition: ``participant_id``'s registration to ``training_id`` is confirmed."""
    return and_(Registration.training_id == training_id, Registration.participant_id == participant_id,
                Registration.status == "confirmed")


def evaluation_figures(training_ids, *, today: date | None = None, comments: bool = True) -> dict:
    """``{training_id: figures}`` for each of ``training_ids`` (a list, or a select of ids), plus the key
    ``"overall"`` pooling them (every training × participant pair counts once). ``figures`` is the shape of the API
    (``GET /api/v1/sessions/<id>/evaluation``) with scores and shares 0..1:
    ``pre_test``/``post_test`` {responses, response_rate, mean_score}; ``knowledge`` (``knowledge()`` plus
    ``by_sex`` {sex: …} and ``by_organisation`` [{organisation_id, organisation, organisation_ar, …}]);
    ``reaction`` and ``follow_up`` {responses, response_rate, shown, items [{question, question_ar, mean,
    distribution {"1".."5": n}}], comments (in alphabetical order, never the order sent)}; ``recommendations`` {status: n, "overdue": n, "total": n};
    ``confirmed``. Nine statements whatever the data size (eight without ``comments``); the knowledge figures are read
    from the sums the database keeps per training, sex and organisation (``tallies.py``), so no row per person is
    read, nor reaches Python."""
    today = today or date.today()
    ids = list(training_ids) if isinstance(training_ids, (list, tuple, set)) else training_ids
    confirmed = dict(db.session.execute(
        select(Registration.training_id, func.count()).where(
            Registration.training_id.in_(ids), Registration.status == "confirmed").group_by(Registration.training_id)).all())
    used = defaultdict(set)
    for training_id, kind in db.session.execute(select(Instrument.training_id, Instrument.kind).where(
            Instrument.training_id.in_(ids))):
        used[training_id].add(kind)
    tally = EvaluationTally
    tests = db.session.execute(  # summed by the database as answers come (``tallies.py``)
        select(tally.training_id, tally.sex, tally.organisation_id, Organisation.name, Organisation.name_ar,
               tally.pre_responses, tally.pre_sum, tally.post_responses, tally.post_sum, tally.paired,
               tally.paired_pre_sum, tally.paired_post_sum, tally.increased)
        .outerjoin(Organisation, Organisation.id == tally.organisation_id)
        .where(tally.training_id.in_(ids))).all()
    survey_counts = db.session.execute(  # who answered (the reaction survey's first answers wait unwritten)
        select(Instrument.training_id, Instrument.kind, func.count(),
               func.sum(case((Registration.id.is_(None), 1), else_=0)))
        .join(Respondent, Respondent.instrument_id == Instrument.id)
        .outerjoin(Registration, _confirmed(Instrument.training_id, Respondent.participant_id))
        .where(Instrument.training_id.in_(ids), Instrument.kind.in_(("reaction", "follow_up")))
        .group_by(Instrument.training_id, Instrument.kind)).all()
    survey_items = db.session.execute(
        select(Instrument.training_id, Instrument.kind, Question.id, Question.text, Question.text_ar, Question.kind)
        .join(InstrumentItem, InstrumentItem.instrument_id == Instrument.id)
        .join(Question, InstrumentItem.question_id == Question.id)
        .where(Instrument.training_id.in_(ids), Instrument.kind.in_(("reaction", "follow_up")))
        .order_by(Instrument.training_id, Instrument.kind, InstrumentItem.position)).all()
    likert = db.session.execute(
        select(Instrument.training_id, Instrument.kind, Answer.question_id, Answer.value, func.count())
        .join(Response, Answer.response_id == Response.id).join(Instrument, Response.instrument_id == Instrument.id)
        .where(Instrument.training_id.in_(ids), Instrument.kind.in_(("reaction", "follow_up")), Answer.value.is_not(None))
        .group_by(Instrument.training_id, Instrument.kind, Answer.question_id, Answer.value)).all()
    texts = db.session.execute(
        select(Instrument.training_id, Instrument.kind, Answer.text)
        .join(Response, Answer.response_id == Response.id).join(Instrument, Response.instrument_id == Instrument.id)
        .where(Instrument.training_id.in_(ids), Instrument.kind.in_(("reaction", "follow_up")), Answer.text.is_not(None))
        .order_by(Answer.text)).all() if comments else []  # not in the order sent: that would tell who wrote which
    by_status = db.session.execute(
        select(Recommendation.training_id, Recommendation.status, func.count())
        .where(Recommendation.training_id.in_(ids)).group_by(Recommendation.training_id, Recommendation.status)).all()
    overdue = dict(db.session.execute(
        select(Recommendation.training_id, func.count())
        .where(Recommendation.training_id.in_(ids), Recommendation.is_overdue(today))
        .group_by(Recommendation.training_id)).all())

    training_list = ids if isinstance(ids, list) else sorted(set(confirmed) | set(used) | {r[0] for r in by_status})
    scores = defaultdict(lambda: (0, 0.0))  # (training_id, kind) -> (responses, Σscores)
    groups = defaultdict(list)  # training_id -> [(sex, organisation_id, name, name_ar, (n, Σpre, Σpost, increased))]
    for (training_id, sex, organisation_id, name, name_ar, pre_n, pre_sum, post_n, post_sum, n, sum_pre, sum_post,
         increased) in tests:
        for kind, responses, total in (("pre", pre_n, pre_sum), ("post", post_n, post_sum)):
            if responses:
                before = scores[(training_id, kind)]
                scores[(training_id, kind)] = (before[0] + responses, before[1] + total / SCALE)
        if n:
            groups[training_id].append(
                (sex, organisation_id or None, name, name_ar, (n, sum_pre / SCALE, sum_post / SCALE, increased)))
    counts = {(t, k): (n, unconfirmed or 0) for t, k, n, unconfirmed in survey_counts}
    items = defaultdict(list)
    for training_id, kind, question_id, text, text_ar, question_kind in survey_items:
        items[(training_id, kind)].append((question_id, text, text_ar, question_kind))
    values = defaultdict(lambda: defaultdict(dict))
    for training_id, kind, question_id, value, n in likert:
        values[(training_id, kind)][question_id][str(value)] = n
    open_answers = defaultdict(list)
    for training_id, kind, text in texts:
        open_answers[(training_id, kind)].append(text)
    statuses = defaultdict(dict)
    for training_id, status, n in by_status:
        statuses[training_id][status] = n

    figures = {}
    for training_id in training_list:
        figures[training_id] = _training_figures(
            training_id, confirmed.get(training_id, 0), used[training_id], scores, groups[training_id], counts, items,
            values, open_answers, statuses[training_id], overdue.get(training_id, 0))
    figures["overall"] = _overall(training_list, confirmed, used, scores, groups, counts, items, values, statuses, overdue)
    return figures


def training_evaluation(training, *, today: date | None = None) -> dict:
    """The figures of one training (``evaluation_figures``)."""
    return evaluation_figures([training.id], today=today)[training.id]


def _test_figures(count_and_sum, confirmed: int, used: bool) -> dict:
    n, total = count_and_sum
    return {"responses": n, "response_rate": _rate(n, confirmed) if used else None,
            "mean_score": total / n if n else None}


def _knowledge_block(groups) -> dict:
    """``knowledge`` of all ``groups`` [(sex, organisation_id, name, name_ar, sums)], and by sex and organisation."""
    block = knowledge([g[4] for g in groups])
    block["by_sex"] = {sex: knowledge([g[4] for g in groups if g[0] == sex]) for sex in SEXES}
    organisations = {}
    for _sex, organisation_id, name, name_ar, sums in groups:
        organisations.setdefault(organisation_id, (name, name_ar, []))[2].append(sums)
    block["by_organisation"] = sorted(
        ({"organisation_id": oid, "organisation": name, "organisation_ar": name_ar, **knowledge(sums)}
         for oid, (name, name_ar, sums) in organisations.items()),
        key=lambda row: (row["organisation"] is None, row["organisation"] or ""))
    return block


def _survey(counts, confirmed, used, item_rows, value_counts, comments, *, anonymous, pooled=None) -> dict:
    """``counts``: (people who answered, of them no longer confirmed); the rate's denominator is the confirmed
    plus the latter. ``pooled``: the responses the items are drawn from, when not all of them."""
    responses, unconfirmed = counts
    shown = (responses if pooled is None else pooled) >= (MIN_REACTION_GROUP if anonymous else 1)
    items = []
    for question_id, text, text_ar, question_kind in item_rows:
        if question_kind != "likert":
            continue
        distribution = {v: value_counts.get(question_id, {}).get(v, 0) for v in LIKERT}
        answered = sum(distribution.values())
        mean = sum(int(v) * n for v, n in distribution.items()) / answered if answered else None
        items.append({"question": text, "question_ar": text_ar, "mean": mean if shown else None,
                      "distribution": distribution if shown else None})
    return {"responses": responses, "response_rate": _rate(responses, confirmed + unconfirmed) if used else None,
            "shown": shown, "items": items, "comments": list(comments) if shown else []}


def _training_figures(training_id, confirmed, used, scores, groups, counts, items, values, open_answers, statuses,
                      overdue) -> dict:
    no_answers = (0, 0.0)
    recommendations = {status: statuses.get(status, 0) for status in RECOMMENDATION_STATUSES}
    recommendations.update(overdue=overdue, total=sum(statuses.values()))
    return {
        "confirmed": confirmed,
        "pre_test": _test_figures(scores.get((training_id, "pre"), no_answers), confirmed, "pre" in used),
        "post_test": _test_figures(scores.get((training_id, "post"), no_answers), confirmed, "post" in used),
        "knowledge": _knowledge_block(groups),
        "reaction": _survey(counts.get((training_id, "reaction"), (0, 0)), confirmed, "reaction" in used,
                            items.get((training_id, "reaction"), []), values.get((training_id, "reaction"), {}),
                            open_answers.get((training_id, "reaction"), []), anonymous=True),
        "follow_up": _survey(counts.get((training_id, "follow_up"), (0, 0)), confirmed, "follow_up" in used,
                             items.get((training_id, "follow_up"), []), values.get((training_id, "follow_up"), {}),
                             open_answers.get((training_id, "follow_up"), []), anonymous=False),
        "recommendations": recommendations,
    }


def _overall(training_list, confirmed, used, scores, groups, counts, items, values, statuses, overdue) -> dict:
    def test(kind):
        n = sum(scores.get((t, kind), (0, 0.0))[0] for t in training_list)
        total = sum(scores.get((t, kind), (0, 0.0))[1] for t in training_list)
        denominator = sum(confirmed.get(t, 0) for t in training_list if kind in used[t])
        return {"responses": n, "response_rate": _rate(n, denominator) if denominator else None,
                "mean_score": total / n if n else None}

    def survey(kind):
        anonymous = kind == "reaction"
        responses = sum(counts.get((t, kind), (0, 0))[0] for t in training_list)
        unconfirmed = sum(counts.get((t, kind), (0, 0))[1] for t in training_list if kind in used[t])
        denominator = sum(confirmed.get(t, 0) for t in training_list if kind in used[t])
        merged_rows, merged_values, pooled = {}, defaultdict(lambda: defaultdict(int)), 0
        for t in training_list:
            if anonymous and counts.get((t, kind), (0, 0))[0] < MIN_REACTION_GROUP:
                continue  # pooled only from trainings shown on their own: no answer of a small one by subtraction
            pooled += counts.get((t, kind), (0, 0))[0]
            for question_id, text, text_ar, question_kind in items.get((t, kind), []):
                merged_rows.setdefault(text, (text, text, text_ar, question_kind))
                for v, n in values.get((t, kind), {}).get(question_id, {}).items():
                    merged_values[text][v] += n
        block = _survey((responses, unconfirmed), denominator, bool(denominator + unconfirmed),
                        list(merged_rows.values()), merged_values, [], anonymous=anonymous, pooled=pooled)
        block.pop("comments")
        return block

    recommendations = {status: sum(statuses[t].get(status, 0) for t in training_list) for status in RECOMMENDATION_STATUSES}
    recommendations.update(overdue=sum(overdue.get(t, 0) for t in training_list),
                           total=sum(sum(statuses[t].values()) for t in training_list))
    return {
        "confirmed": sum(confirmed.get(t, 0) for t in training_list),
        "pre_test": test("pre"), "post_test": test("post"),
        "knowledge": _knowledge_block([g for t in training_list for g in groups.get(t, [])]),
        "reaction": survey("reaction"), "follow_up": survey("follow_up"),
        "recommendations": recommendations,
    }


# --- what only the training's own page shows --------------------------------------------------------

def participant_scores(training) -> list[dict]:
    """One row per confirmed participant: ``participant``, ``pre``, ``post`` (0..1 or None) and ``change``
    (post − pre, or None without both), by name (two statements)."""
    registrations = db.session.scalars(
        select(Registration).where(Registration.training_id == training.id, Registration.status == "confirmed")
        .join(Participant).order_by(Participant.name)).all()
    rows = db.session.execute(
        select(Instrument.kind, Response.participant_id, Response.score)
        .join(Instrument, Response.instrument_id == Instrument.id)
        .where(Instrument.training_id == training.id, Instrument.kind.in_(("pre", "post")))).all()
    found = {(kind, pid): score for kind, pid, score in rows}
    result = []
    for registration in registrations:
        pid = registration.participant_id
        pre, post = found.get(("pre", pid)), found.get(("post", pid))
        result.append({"participant": registration.participant, "pre": pre, "post": post,
                       "change": post - pre if pre is not None and post is not None else None})
    return result


def question_shares(training) -> list[dict]:
    """Per test question (matched across the two tests by question, whatever its version): ``question`` (the
    latest version asked), ``theme``, ``pre`` and ``post`` share answered right (0..1 or None) — the items the
    training did not teach stand out (one statement)."""
    rows = db.session.execute(
        select(Instrument.kind, Question.family_id, Question.id, Question.text, Question.text_ar, Question.theme,
               Answer.correct, func.count())
        .join(Response, Answer.response_id == Response.id).join(Instrument, Response.instrument_id == Instrument.id)
        .join(Question, Answer.question_id == Question.id)
        .join(Registration, _confirmed(Instrument.training_id, Response.participant_id))
        .where(Instrument.training_id == training.id, Instrument.kind.in_(("pre", "post")))
        .group_by(Instrument.kind, Question.family_id, Question.id, Question.text, Question.text_ar, Question.theme,
                  Answer.correct)
        .order_by(Question.family_id, Question.id)).all()
    families = {}
    for kind, family_id, _, text, text_ar, theme, correct, n in rows:
        entry = families.setdefault(family_id, {"question": text, "question_ar": text_ar, "theme": theme,
                                                "pre": [0, 0], "post": [0, 0]})
        entry.update(question=text, question_ar=text_ar, theme=theme)
        entry[kind][1] += n
        if correct:
            entry[kind][0] += n
    return [{**entry, "pre": entry["pre"][0] / entry["pre"][1] if entry["pre"][1] else None,
             "post": entry["post"][0] / entry["post"][1] if entry["post"][1] else None}
            for entry in families.values()]
