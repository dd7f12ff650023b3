"""The reference training's evaluation: a bilingual pre-test and post-test on the themes of the release, most
officials' answers, the reaction survey and some follow-up answers, so that a new user sees every chart at once.

Answers are drawn from a seeded random generator: the same on every run. Nothing is added when the reference
training has its instruments already (safe to run twice).
"""
import random
from datetime import date, datetime, timezone

from sqlalchemy import select

from ..evaluation import bank
from ..evaluation.instruments import GivenAnswer, score_of
from ..evaluation.models import Answer, Instrument, InstrumentItem, Respondent, Response
from ..extensions import db
from ..registrations.models import Registration

LAW, EQUALITY, GENDER = (
    "International human rights, humanitarian and refugee law at borders",
    "Non-discrimination, assistance and protection from harm",
    "Human-rights-based and gender-responsive border procedures",
)

#: (theme, kind, text, text_ar, [(option, option_ar)], correct indexes, share right before, share right after)
QUESTIONS = (
    (LAW, "true_false", "A State may return a person to a country where they face a real risk of torture if they are a terrorism suspect.",
     "يجوز للدولة إعادة شخص إلى بلد يواجه فيه خطرًا حقيقيًا بالتعرض للتعذيب إذا كان مشتبهًا به في قضايا إرهاب.", [], [1], 0.35, 0.85),
    (LAW, "single", "Which principle forbids sending refugees back to where their life or freedom is threatened?",
     "ما المبدأ الذي يحظر إعادة اللاجئين إلى حيث تكون حياتهم أو حريتهم مهددة؟",
     [("Non-refoulement", "عدم الإعادة القسرية"), ("Sovereign equality", "المساواة في السيادة"),
      ("Reciprocity", "المعاملة بالمثل"), ("Complementarity", "التكاملية")], [0], 0.55, 0.95),
    (LAW, "single", "Which body of law continues to apply at borders during an armed conflict?",
     "أي فرع من فروع القانون يظل ساريًا على الحدود أثناء النزاع المسلح؟",
     [("Only international humanitarian law", "القانون الدولي الإنساني فقط"),
      ("Both human rights law and humanitarian law", "قانون حقوق الإنسان والقانون الإنساني معًا"),
      ("Only national security law", "قانون الأمن الوطني فقط")], [1], 0.30, 0.70),
    (LAW, "multiple", "Which of these rights can never be suspended, even in an emergency?",
     "أي من هذه الحقوق لا يجوز تعليقها أبدًا، حتى في حالات الطوارئ؟",
     [("Freedom from torture", "الحق في عدم التعرض للتعذيب"), ("Freedom of movement", "حرية التنقل"),
      ("Freedom from slavery", "الحق في عدم الاسترقاق"), ("Freedom of assembly", "حرية التجمع")], [0, 2], 0.20, 0.60),
    (EQUALITY, "true_false", "Profiling travellers by religion or ethnicity alone is lawful when the threat level is high.",
     "التنميط على أساس الدين أو العرق وحده مشروع عندما يكون مستوى التهديد مرتفعًا.", [], [1], 0.40, 0.80),
    (EQUALITY, "single", "A child arrives alone at a border crossing. What comes first?",
     "يصل طفل بمفرده إلى منفذ حدودي. ما الذي يأتي أولًا؟",
     [("The best interests of the child", "مصلحة الطفل الفضلى"), ("Checking the visa", "التحقق من التأشيرة"),
      ("Return to the country of origin", "الإعادة إلى بلد المنشأ")], [0], 0.65, 0.90),
    (EQUALITY, "single", "Who should be referred to protection services at the border?",
     "من يجب إحالته إلى خدمات الحماية على الحدود؟",
     [("Only registered refugees", "اللاجئون المسجلون فقط"),
      ("Anyone who shows signs of being a victim of trafficking or at risk of harm", "كل من تظهر عليه علامات الاتجار أو خطر الأذى"),
      ("Only nationals", "المواطنون فقط")], [1], 0.50, 0.85),
    (GENDER, "true_false", "Searches of women should, where possible, be carried out by female officers.",
     "يجب، قدر الإمكان، أن تُجري موظفات عمليات تفتيش النساء.", [], [0], 0.70, 0.95),
    (GENDER, "single", "What does a gender-responsive border procedure start from?",
     "من أين ينطلق الإجراء الحدودي المراعي للنوع الاجتماعي؟",
     [("The different needs and risks of women, men, girls and boys", "الاحتياجات والمخاطر المختلفة للنساء والرجال والفتيات والفتيان"),
      ("Equal numbers of male and female staff", "أعداد متساوية من الموظفين والموظفات"),
      ("Separate queues for women", "طوابير منفصلة للنساء")], [0], 0.25, 0.65),
    (GENDER, "single", "Which data help to spot gender-based risks at a crossing point?",
     "ما البيانات التي تساعد في رصد المخاطر القائمة على النوع الاجتماعي في منفذ العبور؟",
     [("Data disaggregated by sex and age", "بيانات مصنفة حسب الجنس والعمر"),
      ("Total number of crossings", "العدد الإجمالي لحالات العبور"), ("Vehicle counts", "عدد المركبات")],
     [0], 0.45, 0.50),  # an item the training did not teach well: almost no change
)

REACTION_COMMENTS = (
    "Very practical cases from our own border points.", "نحتاج إلى تدريب متقدم حول إجراءات الفحص المراعية للنوع الاجتماعي.",
    "More time for group work, please.", "كانت الجلسة عن عدم الإعادة القسرية مفيدة جدًا لعملنا اليومي.",
    "Invite colleagues from the Kurdistan Region next time.",
)
FOLLOW_UP_EXAMPLES = (
    "We added a referral step for unaccompanied children at Trebil.", "أصبحنا نسجل بيانات العابرين مصنفة حسب الجنس.",
    "Shared the non-refoulement guidance with my unit.", "لم أتمكن من التطبيق بسبب نقص الموظفات في المنفذ.",
)


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def seed_reference_evaluation(training, officer) -> None:
    """Give the reference ``training`` its instruments and answers (nothing when it has them); flushes."""
    if db.session.scalar(select(Instrument.id).where(Instrument.training_id == training.id)):
        return
    course = training.course
    questions = bank.bank_of(course, "test")
    if not questions:
        for theme, kind, text, text_ar, options, correct, *_ in QUESTIONS:
            bank.create_question(course, bank.QuestionDetails(
                bank="test", kind=kind, text=text, text_ar=text_ar, options=tuple(options), correct=tuple(correct),
                theme=theme), by_user=officer)
        questions = bank.bank_of(course, "test")
    reaction_items = bank.ensure_survey_items(course, "reaction", by_user=officer)
    follow_up_items = bank.ensure_survey_items(course, "follow_up", by_user=officer)
    first, last = training.start_date, training.end_date
    windows = {
        "pre": (_at(first, 6), _at(first, 9)), "post": (_at(last, 9), _at(last, 13)),
        "reaction": (_at(last, 9), _at(last, 14)), "follow_up": (_at(date(2022, 5, 17), 6), _at(date(2022, 6, 17), 20)),
    }
    items = {"pre": questions, "post": questions, "reaction": reaction_items, "follow_up": follow_up_items}
    instruments = {}
    for kind, (opens, closes) in windows.items():
        instrument = Instrument(training_id=training.id, kind=kind, opens_at=opens, closes_at=closes,
                                invited_at=opens if kind == "follow_up" else None,
                                reminded_at=_at(date(2022, 5, 24), 6) if kind == "follow_up" else None)
        instrument.items = [InstrumentItem(question_id=q.id, position=i) for i, q in enumerate(items[kind])]
        db.session.add(instrument)
        instruments[kind] = instrument
    db.session.flush()

    people = db.session.scalars(select(Registration.participant_id).where(
        Registration.training_id == training.id, Registration.status == "confirmed").order_by(Registration.id)).all()
    rng = random.Random(2022)
    likelihood = {q.id: spec for q, spec in zip(questions, QUESTIONS)}
    reaction = []  # written at the end in random order, as one batch (evaluation/anonymity.py)
    for index, person in enumerate(people):
        ability = rng.uniform(-0.15, 0.15)
        for kind, skip in (("pre", {7, 15}), ("post", {3, 15, 18})):
            if index in skip:
                continue
            answers = {}
            for q in questions:
                share = likelihood[q.id][6 if kind == "pre" else 7] + ability
                right = rng.random() < share
                wrong = [i for i in range(len(q.options)) if i not in q.correct_set] or [0]
                answers[q.id] = GivenAnswer(choices=tuple(q.correct) if right else (rng.choice(wrong),))
            _response(instruments[kind], person, questions, answers, first if kind == "pre" else last,
                      score=score_of(questions, answers), source="paper" if index in (2, 11) else "online")
        if index not in (4, 9, 13, 17):  # 16 reaction answers
            answers = {q.id: GivenAnswer(value=rng.choice((3, 4, 4, 5, 5))) for q in reaction_items if q.kind == "likert"}
            if index % 3 == 0:
                answers.update({q.id: GivenAnswer(text=REACTION_COMMENTS[(index // 3) % len(REACTION_COMMENTS)])
                                for q in reaction_items if q.kind == "text"})
            reaction.append((person, answers))
            db.session.add(Respondent(instrument_id=instruments["reaction"].id, participant_id=person))
        if index % 2 == 0 and index < 18:  # 9 follow-up answers, three months later
            answers = {q.id: GivenAnswer(value=rng.choice((2, 3, 4, 4, 5))) for q in follow_up_items if q.kind == "likert"}
            answers.update({q.id: GivenAnswer(text=FOLLOW_UP_EXAMPLES[(index // 2) % len(FOLLOW_UP_EXAMPLES)])
                            for q in follow_up_items if q.kind == "text"})
            _response(instruments["follow_up"], person, follow_up_items, answers, date(2022, 5, 20 + index % 7))
    rng.shuffle(reaction)
    for person, answers in reaction:
        _response(instruments["reaction"], person, reaction_items, answers, last, anonymous=True)
        db.session.flush()  # one after the other, in the shuffled order
    db.session.flush()


def _response(instrument, participant_id, questions, answers, on, score=None, source="online", anonymous=False):
    response = Response(instrument_id=instrument.id, participant_id=None if anonymous else participant_id,
                        score=score, source=source, submitted_on=on)
    for q in questions:
        given = answers.get(q.id, GivenAnswer())
        response.answers.append(Answer(
            question_id=q.id, choices=list(given.choices) if q.options else None, value=given.value, text=given.text,
            correct=(frozenset(given.choices) == q.correct_set) if q.correct else None))
    db.session.add(response)
    if not anonymous:
        db.session.add(Respondent(instrument_id=instrument.id, participant_id=participant_id))

