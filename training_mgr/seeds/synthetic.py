"""Deterministic large data for benchmarks: ``seed-synthetic --sessions N --participants M --seed S --today D``.

The same seed and the same ``today`` always give the same rows. The world is dated around ``today`` (by
default the day it is made): trainings from five years before it to six months after, so the finished
ones are completed and the coming ones open for registration whenever the data is made. Distributions
follow the programme this product serves: mostly male border officials from a dozen entities, most
trainings completed, most registrations confirmed, most days attended, recommendations in every state of
follow-up.

The rows are written ``BATCH_ROWS`` at a time (``insert_rows``: COPY on PostgreSQL), never held all at once:
a million registrations and 2.6 million attendance marks load in a few minutes, in memory that does not grow
with them. (The ORM's bulk INSERT, used before, split the rows into a group per set of non-null keys and
took 311 s for a tenth of that.)
"""
import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select, text

from ..attendance.models import AttendanceMark
from ..auth.models import User
from ..courses.models import Course
from ..core.db import defer_kept_counts
from ..core.text import folded_lines
from ..evaluation import tallies as evaluation_tallies
from ..extensions import db
from ..organisations.models import Organisation
from ..participants.models import Participant
from ..recommendations.models import Recommendation, RecommendationUpdate
from .synthetic_evaluation import seed_evaluation
from ..registrations.models import Registration
from ..reports import profiles as attendance_profiles, tallies as persons_trained
from ..trainings.models import SessionDay, SessionOrganiser, TrainingSession

#: the day the synthetic world was drawn around; the data is shifted by ``today - WORLD_TODAY`` days
WORLD_TODAY = date(2026, 1, 1)
#: rows per INSERT batch
BATCH_ROWS = 5000

ENTITIES = [  # name, Arabic name, kind, weight
    ("Ministry of Interior", "وزارة الداخلية", "ministry", 24),
    ("Border Points Commission", "هيئة المنافذ الحدودية", "commission", 18),
    ("General Commission of Customs", "الهيئة العامة للكمارك", "commission", 12),
    ("Iraqi Civil Aviation Authority", "سلطة الطيران المدني العراقي", "authority", 8),
    ("Ministry of Transport", "وزارة النقل", "ministry", 6),
    ("Ministry of Justice", "وزارة العدل", "ministry", 8),
    ("Ministry of Foreign Affairs", "وزارة الخارجية", "ministry", 5),
    ("Ministry of Migration and Displaced", "وزارة الهجرة والمهجرين", "ministry", 6),
    ("Ministry of Health", "وزارة الصحة", "ministry", 4),
    ("National Security Service", "جهاز الأمن الوطني", "authority", 4),
    ("Kurdistan Region Ministry of Interior", "وزارة داخلية إقليم كوردستان", "ministry", 3),
    ("Ministry of Labour and Social Affairs", "وزارة العمل والشؤون الاجتماعية", "ministry", 2),
]
PARTNERS = [
    ("International Organization for Migration", "المنظمة الدولية للهجرة"),
    ("United Nations Office of Counter-Terrorism", "مكتب الأمم المتحدة لمكافحة الإرهاب"),
    ("UNAMI Human Rights Office / OHCHR", "مكتب حقوق الإنسان في بعثة يونامي / المفوضية السامية لحقوق الإنسان"),
    ("United Nations High Commissioner for Refugees", "المفوضية السامية للأمم المتحدة لشؤون اللاجئين"),
]
HOSTS = [("Al-Nahrain Centre for Strategic Studies", "مركز النهرين للدراسات الاستراتيجية")]
COURSES = [
    ("Human Rights at International Borders", "حقوق الإنسان على الحدود الدولية", 3),
    ("Integrated Border Management", "الإدارة المتكاملة للحدود", 4),
    ("Countering Migrant Smuggling", "مكافحة تهريب المهاجرين", 3),
    ("Identification and Referral of Victims of Trafficking", "تحديد ضحايا الاتجار بالبشر وإحالتهم", 2),
    ("Document Examination and Fraud Detection", "فحص الوثائق وكشف التزوير", 5),
    ("Humanitarian Border Management", "الإدارة الإنسانية للحدود", 3),
    ("Gender-Responsive Border Procedures", "إجراءات حدودية مراعية للنوع الاجتماعي", 2),
]
CITIES = [("Baghdad", "بغداد", 45), ("Erbil", "أربيل", 20), ("Basra", "البصرة", 15), ("Amman", "عمّان", 10), ("Najaf", "النجف", 10)]
MALE = [("Ahmed", "أحمد"), ("Ali", "علي"), ("Mohammed", "محمد"), ("Hassan", "حسن"), ("Hussein", "حسين"), ("Omar", "عمر"),
        ("Mustafa", "مصطفى"), ("Haider", "حيدر"), ("Karrar", "كرار"), ("Yasir", "ياسر"), ("Firas", "فراس"), ("Salam", "سلام"),
        ("Abbas", "عباس"), ("Muhannad", "مهند"), ("Laith", "ليث"), ("Wisam", "وسام"), ("Sajjad", "سجاد"), ("Zaid", "زيد")]
FEMALE = [("Zainab", "زينب"), ("Noor", "نور"), ("Sarah", "سارة"), ("Rana", "رنا"), ("Hiba", "هبة"), ("Dhuha", "ضحى"),
          ("Maryam", "مريم"), ("Fatima", "فاطمة"), ("Shaimaa", "شيماء"), ("Aya", "آية"), ("Rusul", "رسل"), ("Huda", "هدى")]
FAMILY = [("Al-Rubaie", "الربيعي"), ("Al-Jubouri", "الجبوري"), ("Al-Saadi", "الساعدي"), ("Al-Maliki", "المالكي"),
          ("Al-Obaidi", "العبيدي"), ("Al-Hamdani", "الحمداني"), ("Al-Khafaji", "الخفاجي"), ("Al-Dulaimi", "الدليمي"),
          ("Al-Tamimi", "التميمي"), ("Al-Shammari", "الشمري"), ("Al-Zubaidi", "الزبيدي"), ("Al-Ani", "العاني"),
          ("Al-Bayati", "البياتي"), ("Al-Musawi", "الموسوي"), ("Al-Azzawi", "العزاوي"), ("Al-Hilli", "الحلي")]
POSITIONS = ["Border Police Officer", "Inspector", "Customs Officer", "Legal Adviser", "Director", "Captain", "Major",
             "Passport Control Officer", "Airport Security Officer", "Investigator"]
REC_STATUSES = (["proposed"] * 1 + ["agreed"] * 3 + ["in_progress"] * 4 + ["implemented"] * 4 + ["not_pursued"] * 1)
REC_TEXTS = [
    "Adopt standard operating procedures for the referral of vulnerable persons at border crossing points.",
    "Integrate the training module into the institution's in-service training curriculum.",
    "Deploy female officers for screening at all major crossing points.",
    "Review screening procedures for compliance with the principle of non-discrimination.",
    "Establish an inter-agency coordination mechanism on mixed migration flows.",
    "Organise a training of trainers so the course can be delivered nationally.",
    "Publish guidance on the rights of persons in detention at borders.",
]


class AlreadySeeded(RuntimeError):
    pass


def _weighted(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def _organisation(name, name_ar, kind):
    org = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, name_ar=name_ar, kind=kind, country="IQ" if kind != "un_agency" else None)
        db.session.add(org)
        db.session.flush()
    return org


def insert_rows(model, rows, returning=False):
    """Insert ``rows`` (dicts with the same keys, by column name) into ``model``'s table in the session's
    transaction; with ``returning`` give each row a new id first and return the ids in the order of ``rows``.

    PostgreSQL takes them with COPY and ids drawn from the table's sequence; SQLite with one executemany and
    ids after the highest one. (A multi-row INSERT … RETURNING costs more in the driver, parsing each
    statement's thousands of placeholders, than the database spends storing the rows.)
    """
    if not rows:
        return []
    table = model.__table__
    connection = db.session.connection()
    postgresql = connection.dialect.name == "postgresql"
    ids = []
    if returning:
        if postgresql:
            ids = list(connection.scalars(
                text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
                {"table": table.name, "n": len(rows)},
            ))
        else:
            first = (connection.scalar(select(func.max(table.c.id))) or 0) + 1
            ids = list(range(first, first + len(rows)))
        for row, new_id in zip(rows, ids):
            row["id"] = new_id
    defaults = {c.name: c.default.arg for c in table.c
                if c.name not in rows[0] and c.default is not None and c.default.is_scalar}
    columns = [*rows[0], *defaults]
    if postgresql:
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in rows[0]] + list(defaults.values()))
    else:
        connection.execute(table.insert(), [{**row, **defaults} for row in rows] if defaults else rows)
    return ids


def seed_synthetic(n_sessions: int, n_participants: int, seed: int = 1, today: date | None = None) -> dict:
    """Load ``n_sessions`` trainings of ``n_participants`` registrations each and ``0.6 × n_sessions ×
    n_participants`` persons (at least ``n_participants``), dated around ``today`` (default: the current
    date); one commit. Returns the counts of what was made. Raises ``AlreadySeeded`` when this seed's data
    is loaded already."""
    rng = random.Random(seed)
    domain = f"s{seed}.synthetic.example.org"
    if db.session.scalar(select(Participant.id).where(Participant.email.like(f"%@{domain}")).limit(1)):
        raise AlreadySeeded(f"Synthetic data for seed {seed} is already loaded.")
    today = today or date.today()
    deferred = defer_kept_counts(db.session)  # counted once at the end, not at every batch
    shift = today - WORLD_TODAY
    stamp = datetime(2026, 1, 1, tzinfo=timezone.utc) + shift

    entities = [_organisation(n, a, k) for n, a, k, _ in ENTITIES]
    entity_weights = [w for *_, w in ENTITIES]
    partners = [_organisation(n, a, "un_agency") for n, a in PARTNERS]
    hosts = [_organisation(n, a, "institute") for n, a in HOSTS]
    courses = []
    for title, title_ar, days in COURSES:
        course = db.session.scalar(select(Course).where(Course.title == title))
        if course is None:
            course = Course(title=title, title_ar=title_ar, default_days=days,
                            description=f"{title}: a course for border and migration officials.")
            db.session.add(course)
        courses.append(course)
    officers = []
    for i in range(5):
        email = f"officer{i + 1}@{domain}"
        officer = User(email=email, role="officer", name=f"Synthetic Officer {i + 1}")
        db.session.add(officer)
        officers.append(officer)
    db.session.flush()

    # the pool of persons: fewer than seats, so that many people attend several trainings
    pool_size = max(n_participants, int(n_sessions * n_participants * 0.6))
    person_ids = []
    people = []
    for i in range(pool_size):
        sex = "female" if rng.random() < 0.27 else "male"
        first, first_ar = rng.choice(FEMALE if sex == "female" else MALE)
        father, father_ar = rng.choice(MALE)
        family, family_ar = rng.choice(FAMILY)
        people.append({
            "name": f"{first} {father} {family}", "name_ar": f"{first_ar} {father_ar} {family_ar}", "sex": sex,
            "name_folded": folded_lines(f"{first} {father} {family}", f"{first_ar} {father_ar} {family_ar}"),
            "organisation_id": _weighted(rng, entities, entity_weights).id, "position": rng.choice(POSITIONS),
            "email": f"p{i + 1:06d}@{domain}", "phone": f"+964 7{rng.randrange(10**8, 10**9)}",
            "locale": "ar" if rng.random() < 0.7 else "en", "consent_at": stamp, "created_at": stamp, "updated_at": stamp,
        })
        if len(people) == BATCH_ROWS:
            person_ids += insert_rows(Participant, people, returning=True)
            people = []
    person_ids += insert_rows(Participant, people, returning=True)

    span_start, span_days = date(2021, 1, 1) + shift, (date(2026, 6, 30) - date(2021, 1, 1)).days
    sessions = []
    for s in range(n_sessions):
        course = rng.choice(courses)
        days = max(1, min(5, course.default_days + rng.choice([-1, 0, 0, 0, 1])))
        start = span_start + timedelta(days=rng.randrange(span_days))
        end = start + timedelta(days=days - 1)
        if end < today:
            status = "cancelled" if rng.random() < 0.04 else "completed"
        else:
            status = "open"
        city, city_ar, _ = _weighted(rng, CITIES, [c[2] for c in CITIES])
        training = TrainingSession(
            course=course, title=course.title, title_ar=course.title_ar, start_date=start, end_date=end,
            venue=f"{city} Training Centre", city=city, city_ar=city_ar, country="JO" if city == "Amman" else "IQ",
            language=rng.choice(["en_ar", "en_ar", "ar"]), capacity=n_participants, status=status,
            confirmation_mode=rng.choice(["automatic", "automatic", "approval"]),
            registration_opens_at=datetime.combine(start - timedelta(days=60), time(6), tzinfo=timezone.utc),
            registration_closes_at=datetime.combine(start - timedelta(days=5), time(20), tzinfo=timezone.utc),
            completed_at=datetime.combine(end, time(15), tzinfo=timezone.utc) if status == "completed" else None,
            cancelled_at=datetime.combine(start - timedelta(days=10), time(9), tzinfo=timezone.utc) if status == "cancelled" else None,
            cancel_reason="Security situation at the venue" if status == "cancelled" else None,
            created_at=stamp, updated_at=stamp,
        )
        training.days = [SessionDay(date=start + timedelta(days=d)) for d in range(days)]
        training.organisers = [SessionOrganiser(organisation=rng.choice(hosts), role="host", position=0)] + [
            SessionOrganiser(organisation=p, role="co_organiser", position=i + 1)
            for i, p in enumerate(rng.sample(partners, rng.randint(1, 3)))
        ]
        training.officers.append(rng.choice(officers))
        db.session.add(training)
        sessions.append(training)
    db.session.flush()

    n_registrations, attended, recommendations = 0, [], []
    statuses = ["confirmed", "pending", "waitlisted", "rejected", "withdrawn"]
    for training in sessions:
        attendees = rng.sample(person_ids, n_participants)
        weights = {"completed": (90, 0, 2, 4, 4), "cancelled": (80, 0, 5, 5, 10), "open": (70, 15, 10, 2, 3)}[training.status]
        registrations = []
        for pid in attendees:
            status = _weighted(rng, statuses, weights)
            created = datetime.combine(training.start_date - timedelta(days=rng.randint(6, 55)), time(9), tzinfo=timezone.utc)
            registrations.append({
                "training_session_id": training.id, "participant_id": pid, "status": status,
                "source": rng.choice(["online", "online", "officer", "import"]),
                "status_changed_at": created, "created_at": created, "updated_at": created,
                "waitlisted_at": created if status == "waitlisted" else None,
                "status_reason": "Nominated for a later training" if status in ("rejected", "withdrawn") else None,
            })
        reg_ids = insert_rows(Registration, registrations, returning=True)
        n_registrations += len(reg_ids)
        if training.status == "completed":
            # only confirmed people of completed trainings have marks
            attended.append((training, [i for i, r in zip(reg_ids, registrations) if r["status"] == "confirmed"]))
            for _ in range(rng.randint(2, 6)):
                rec_status = rng.choice(REC_STATUSES)
                recommendations.append({
                    "training_session_id": training.id, "text": rng.choice(REC_TEXTS), "theme": training.title,
                    "responsible_organisation_id": _weighted(rng, entities, entity_weights).id,
                    "due_date": training.end_date + timedelta(days=rng.randint(90, 540)), "status": rec_status,
                    "created_at": stamp, "updated_at": stamp,
                })

    n_marks, marks = 0, []
    mark_statuses, mark_weights = ["present", "late", "excused", "absent"], (86, 6, 4, 4)
    for training, reg_ids in attended:
        days = [(day.id, datetime.combine(day.date, time(7), tzinfo=timezone.utc)) for day in training.days]
        for reg_id in reg_ids:
            for day_id, recorded_at in days:
                marks.append({"registration_id": reg_id, "session_day_id": day_id,
                              "status": _weighted(rng, mark_statuses, mark_weights), "recorded_at": recorded_at})
            if len(marks) >= BATCH_ROWS:
                insert_rows(AttendanceMark, marks)
                n_marks, marks = n_marks + len(marks), []
    insert_rows(AttendanceMark, marks)
    n_marks += len(marks)

    if recommendations:
        rec_ids = insert_rows(Recommendation, recommendations, returning=True)
        rec_updates = []
        for rec_id, rec in zip(rec_ids, recommendations):
            path = {"proposed": [], "agreed": ["agreed"], "in_progress": ["agreed", "in_progress"],
                    "implemented": ["agreed", "in_progress", "implemented"], "not_pursued": ["agreed", "not_pursued"]}
            when = rec["due_date"] - timedelta(days=rng.randint(60, 200))
            for step in path[rec["status"]]:
                when += timedelta(days=rng.randint(20, 90))
                rec_updates.append({"recommendation_id": rec_id, "date": when, "status": step,
                                    "note": f"Status reported as {step.replace('_', ' ')}.", "created_at": stamp})
        insert_rows(RecommendationUpdate, rec_updates)
    # a generator of its own, so that the rest of the world stays what it was before evaluation existed
    n_responses = seed_evaluation(random.Random(f"{seed}-evaluation"), [t for t, _ in attended], insert_rows, BATCH_ROWS)
    if deferred:
        attendance_profiles.rebuild()
        persons_trained.rebuild()
        evaluation_tallies.rebuild()
    db.session.commit()
    return {
        "sessions": n_sessions, "participants": pool_size, "registrations": n_registrations,
        "attendance marks": n_marks, "recommendations": len(recommendations), "evaluation responses": n_responses,
    }
