"""The demo data: the reference training (Baghdad, 15–17 February 2022) and an upcoming follow-up training.

Every record is looked up by its natural key before it is created, so running the seed twice
changes nothing.
"""
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from ..attendance.models import AttendanceMark
from ..auth.models import User
from ..courses.models import Course
from ..extensions import db
from ..organisations.models import Organisation
from ..participants.models import Participant
from ..recommendations.models import Recommendation, RecommendationUpdate
from .demo_evaluation import seed_reference_evaluation
from .demo_nominations import WOMEN_TARGET_PERCENT, seed_reference_nominations
from ..registrations.models import Registration
from ..trainings.models import SessionDay, SessionOrganiser, Signatory, TrainingSession

REFERENCE_TITLE = "National Training for Iraq on Human Rights at International Borders in the Context of Counter-Terrorism"
REFERENCE_TITLE_AR = "التدريب الوطني للعراق حول حقوق الإنسان على الحدود الدولية في سياق مكافحة الإرهاب"
FOLLOW_UP_TITLE = "Follow-up Training: Human-Rights-Based and Gender-Responsive Procedures at Iraq's Borders"
FOLLOW_UP_TITLE_AR = "تدريب المتابعة: الإجراءات القائمة على حقوق الإنسان والمراعية للنوع الاجتماعي على حدود العراق"

# name, Arabic name, acronym, kind, country, parent name
ORGANISATIONS = [
    ("Ministry of Interior", "وزارة الداخلية", "MoI", "ministry", "IQ", None),
    ("Border Points Commission", "هيئة المنافذ الحدودية", "BPC", "commission", "IQ", None),
    ("General Commission of Customs", "الهيئة العامة للكمارك", "GCC", "commission", "IQ", None),
    ("Iraqi Civil Aviation Authority", "سلطة الطيران المدني العراقي", "ICAA", "authority", "IQ", None),
    ("Ministry of Transport", "وزارة النقل", "MoT", "ministry", "IQ", None),
    ("Ministry of Justice", "وزارة العدل", "MoJ", "ministry", "IQ", None),
    ("Al-Nahrain Centre for Strategic Studies", "مركز النهرين للدراسات الاستراتيجية", "NCSS", "institute", "IQ", None),
    ("United Nations Office of Counter-Terrorism", "مكتب الأمم المتحدة لمكافحة الإرهاب", "UNOCT", "un_agency", None, None),
    ("United Nations Counter-Terrorism Centre", "مركز الأمم المتحدة لمكافحة الإرهاب", "UNCCT", "un_agency", None,
     "United Nations Office of Counter-Terrorism"),
    ("International Organization for Migration", "المنظمة الدولية للهجرة", "IOM", "un_agency", None, None),
    ("UNAMI Human Rights Office / OHCHR", "مكتب حقوق الإنسان في بعثة يونامي / المفوضية السامية لحقوق الإنسان",
     "UNAMI HRO", "un_agency", None, None),
]

# Latin name, Arabic name, sex, organisation acronym, position
OFFICIALS = [
    ("Ahmed Kadhim Al-Rubaie", "أحمد كاظم الربيعي", "male", "MoI", "Colonel, Directorate of Residency Affairs"),
    ("Zainab Hussein Al-Jubouri", "زينب حسين الجبوري", "female", "MoI", "Captain, Directorate of Nationality"),
    ("Mustafa Jabbar Al-Saadi", "مصطفى جبار الساعدي", "male", "MoI", "Lieutenant Colonel, Border Police"),
    ("Haider Abdulameer Al-Maliki", "حيدر عبد الأمير المالكي", "male", "MoI", "Major, Human Rights Directorate"),
    ("Noor Salman Al-Obaidi", "نور سلمان العبيدي", "female", "MoI", "Legal Officer, Human Rights Directorate"),
    ("Ali Falih Al-Hamdani", "علي فالح الحمداني", "male", "BPC", "Director, Zurbatiyah Border Crossing"),
    ("Sarah Majeed Al-Khafaji", "سارة مجيد الخفاجي", "female", "BPC", "Senior Inspector, Baghdad International Airport"),
    ("Omar Raad Al-Dulaimi", "عمر رعد الدليمي", "male", "BPC", "Head of Arrivals, Trebil Border Crossing"),
    ("Karrar Hameed Al-Fatlawi", "كرار حميد الفتلاوي", "male", "BPC", "Inspector, Safwan Border Crossing"),
    ("Hassan Ibrahim Al-Tamimi", "حسن إبراهيم التميمي", "male", "GCC", "Customs Officer, Umm Qasr Port"),
    ("Rana Adel Al-Shammari", "رنا عادل الشمري", "female", "GCC", "Head of Passenger Control Unit"),
    ("Yasir Nadhim Al-Zubaidi", "ياسر ناظم الزبيدي", "male", "GCC", "Customs Inspector, Basra"),
    ("Muhannad Qasim Al-Ani", "مهند قاسم العاني", "male", "ICAA", "Aviation Security Manager"),
    ("Hiba Jassim Al-Bayati", "هبة جاسم البياتي", "female", "ICAA", "Passenger Facilitation Officer"),
    ("Firas Waleed Al-Khazraji", "فراس وليد الخزرجي", "male", "ICAA", "Airport Operations Supervisor"),
    ("Abbas Kareem Al-Musawi", "عباس كريم الموسوي", "male", "MoT", "Director, Land Transport Department"),
    ("Dhuha Mohammed Al-Najjar", "ضحى محمد النجار", "female", "MoT", "Legal Adviser, Ports Directorate"),
    ("Salam Hadi Al-Karkhi", "سلام هادي الكرخي", "male", "MoJ", "Judge, Investigation Court"),
    ("Wisam Thamer Al-Azzawi", "وسام ثامر العزاوي", "male", "MoJ", "Director, Department of Reform"),
    ("Laith Fadhil Al-Hilli", "ليث فاضل الحلي", "male", "MoJ", "Public Prosecutor"),
]

# exceptions to "present" in the reference training: (official index, day index) -> (mark, note)
ATTENDANCE_EXCEPTIONS = {
    (2, 0): ("late", "Arrived 10:15, checkpoint delay"),
    (8, 1): ("late", "Arrived after the first session"),
    (13, 2): ("late", None),
    (10, 1): ("excused", "Called to the ministry for an official meeting"),
    (16, 2): ("absent", None),
}

# text, theme, responsible organisation acronym, due date, status, [(date, status, note)]
RECOMMENDATIONS = [
    ("Integrate a human rights at borders module into the basic and in-service training curricula of border officials.",
     "International human rights law at borders", "MoI", date(2022, 12, 31), "in_progress",
     [(date(2022, 4, 12), "agreed", "Endorsed by the Directorate of Training."),
      (date(2022, 10, 3), "in_progress", "Draft module shared with the Police Academy for review.")]),
    ("Adopt standard operating procedures to identify and refer vulnerable persons, including victims of trafficking, at border crossing points.",
     "Assistance and protection from harm", "BPC", date(2023, 6, 30), "agreed",
     [(date(2022, 5, 18), "agreed", "Working group formed with IOM support.")]),
    ("Ensure female officers are available for screening and searches at all major border crossing points.",
     "Gender-responsive border procedures", "BPC", date(2022, 9, 30), "implemented",
     [(date(2022, 3, 20), "agreed", None),
      (date(2022, 9, 1), "implemented", "Female officers deployed at Baghdad Airport, Zurbatiyah and Safwan.")]),
    ("Review customs screening procedures for compliance with the principle of non-discrimination.",
     "Non-discrimination", "GCC", date(2023, 3, 31), "in_progress",
     [(date(2022, 6, 7), "in_progress", "Review started at Umm Qasr port.")]),
    ("Organise further specialised training on international refugee law and non-refoulement for border and judicial officials.",
     "International refugee law", "UNOCT", date(2023, 12, 31), "agreed",
     [(date(2022, 3, 1), "agreed", "Follow-up training planned with IOM and OHCHR.")]),
    ("Establish safeguards for the processing of passenger data (API/PNR) consistent with the right to privacy.",
     "Human rights and counter-terrorism measures", "ICAA", date(2023, 9, 30), "proposed", []),
]


def _get_or_create(model, lookup: dict, **values):
    obj = db.session.scalar(select(model).filter_by(**lookup))
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
        db.session.flush()
    return obj


def _email_for(name: str) -> str:
    parts = name.lower().replace("al-", "al").split()
    return f"{parts[0]}.{parts[-1]}@example.org"


def _user(email, role, password, name=None, participant=None):
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, role=role, name=name, participant=participant)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
    return user


def seed_demo(password: str = "demo-password"):
    """Load the demo; returns [(role, email)] of the accounts it made or found."""
    orgs = {}
    for name, name_ar, acronym, kind, country, parent in ORGANISATIONS:
        org = _get_or_create(Organisation, {"name": name}, name_ar=name_ar, acronym=acronym, kind=kind, country=country)
        if parent and org.parent_id is None:
            org.parent = orgs[parent]
        orgs[name] = orgs[acronym] = org

    admin = _user("admin@example.org", "admin", password, "Demo Admin")
    officer = _user("officer@example.org", "officer", password, "Rasha Programme Officer")
    manager = _user("manager@example.org", "manager", password, "Demo Programme Manager")

    course = _get_or_create(
        Course, {"title": REFERENCE_TITLE},
        title_ar=REFERENCE_TITLE_AR,
        description=(
            "Enhances the capacities of national officials to understand and implement the international law instruments, "
            "protocols and guidelines that protect human rights while preventing the cross-border movement of suspected or "
            "known terrorists and foreign terrorist fighters, and ensure safe, orderly and regular migration."
        ),
        description_ar=(
            "يعزز قدرات المسؤولين الوطنيين على فهم وتطبيق صكوك القانون الدولي وبروتوكولاته ومبادئه التوجيهية التي تحمي حقوق "
            "الإنسان مع منع تنقل الإرهابيين المشتبه بهم أو المعروفين والمقاتلين الإرهابيين الأجانب عبر الحدود، وضمان الهجرة الآمنة والمنظمة والنظامية."
        ),
        objectives=(
            "Understand international human rights, humanitarian and refugee law as they apply at borders.\n"
            "Apply non-discrimination, assistance and protection from harm in border procedures.\n"
            "Design human-rights-based and gender-responsive procedures at international borders."
        ),
        objectives_ar=(
            "فهم القانون الدولي لحقوق الإنسان والقانون الإنساني وقانون اللاجئين كما تنطبق على الحدود.\n"
            "تطبيق مبادئ عدم التمييز وتقديم المساعدة والحماية من الأذى في الإجراءات الحدودية.\n"
            "تصميم إجراءات قائمة على حقوق الإنسان ومراعية للنوع الاجتماعي على الحدود الدولية."
        ),
        themes=(
            "International human rights, humanitarian and refugee law at borders\n"
            "Non-discrimination, assistance and protection from harm\n"
            "Human-rights-based and gender-responsive border procedures"
        ),
        themes_ar=(
            "القانون الدولي لحقوق الإنسان والقانون الإنساني وقانون اللاجئين على الحدود\n"
            "عدم التمييز والمساعدة والحماية من الأذى\n"
            "الإجراءات الحدودية القائمة على حقوق الإنسان والمراعية للنوع الاجتماعي"
        ),
        default_days=3,
        certificate_wording="has successfully completed the",
        certificate_wording_ar="قد أتمّ بنجاح",
    )

    if officer not in course.officers:  # the demo officer manages the course as well as its trainings
        course.officers.append(officer)

    reference = db.session.scalar(select(TrainingSession).where(TrainingSession.title == REFERENCE_TITLE))
    if reference is None:
        reference = _create_reference(course, orgs, officer)
    seed_reference_evaluation(reference, officer)
    seed_reference_nominations(reference, officer)
    follow_up = db.session.scalar(select(TrainingSession).where(TrainingSession.title == FOLLOW_UP_TITLE))
    if follow_up is None:
        follow_up = _create_follow_up(course, orgs, officer)

    accounts = [("admin", admin.email), ("officer", officer.email), ("manager", manager.email)]
    for name, name_ar, sex, acronym, position in OFFICIALS:
        participant = db.session.scalar(select(Participant).where(Participant.email == _email_for(name)))
        user = _user(participant.email, "participant", password, name, participant)
        accounts.append(("participant", user.email))
    db.session.commit()
    return accounts


def _organisers(training, orgs, host, co_organisers):
    training.organisers.append(SessionOrganiser(organisation=orgs[host], role="host", position=0))
    for i, acronym in enumerate(co_organisers, start=1):
        training.organisers.append(SessionOrganiser(organisation=orgs[acronym], role="co_organiser", position=i))


def _create_reference(course, orgs, officer):
    start = date(2022, 2, 15)
    training = TrainingSession(
        course=course, title=REFERENCE_TITLE, title_ar=REFERENCE_TITLE_AR,
        start_date=start, end_date=date(2022, 2, 17),
        venue="Al-Nahrain Centre for Strategic Studies", venue_ar="مركز النهرين للدراسات الاستراتيجية",
        city="Baghdad", city_ar="بغداد", country="IQ", language="en_ar", capacity=20,
        registration_opens_at=datetime(2022, 1, 10, 6, 0, tzinfo=timezone.utc),
        registration_closes_at=datetime(2022, 2, 8, 20, 59, tzinfo=timezone.utc),
        confirmation_mode="approval", status="completed",
        completed_at=datetime(2022, 2, 17, 14, 0, tzinfo=timezone.utc),
        cert_min_attendance=80,
    )
    training.days = [SessionDay(date=start + timedelta(days=i)) for i in range(3)]
    _organisers(training, orgs, "NCSS", ["UNOCT", "IOM", "UNAMI HRO"])
    training.officers.append(officer)
    training.signatories = [
        Signatory(position=0, name="Programme Coordinator", name_ar="منسق البرنامج",
                  title="Border Security and Management Programme, UNOCT",
                  title_ar="برنامج أمن الحدود وإدارتها، مكتب الأمم المتحدة لمكافحة الإرهاب"),
        Signatory(position=1, name="Chief of Mission", name_ar="رئيس البعثة",
                  title="International Organization for Migration, Iraq", title_ar="المنظمة الدولية للهجرة، العراق"),
        Signatory(position=2, name="Director, Human Rights Office", name_ar="مدير مكتب حقوق الإنسان",
                  title="UNAMI / OHCHR", title_ar="يونامي / المفوضية السامية لحقوق الإنسان"),
    ]
    db.session.add(training)
    db.session.flush()

    nominated_at = datetime(2022, 1, 20, 9, 0, tzinfo=timezone.utc)
    for index, (name, name_ar, sex, acronym, position) in enumerate(OFFICIALS):
        participant = _get_or_create(
            Participant, {"email": _email_for(name)},
            name=name, name_ar=name_ar, sex=sex, organisation=orgs[acronym], position=position,
            phone=f"+964 770 {100 + index:03d} {4400 + index * 7:04d}", locale="ar",
            consent_at=nominated_at,
        )
        registration = Registration(
            training=training, participant=participant, status="confirmed", source="officer",
            nominated_by=f"{orgs[acronym].name} (official nomination letter)", created_by_id=officer.id,
            status_changed_at=nominated_at + timedelta(days=3), status_changed_by_id=officer.id,
            created_at=nominated_at,
        )
        db.session.add(registration)
        db.session.flush()
        for day_index, day in enumerate(training.days):
            mark, note = ATTENDANCE_EXCEPTIONS.get((index, day_index), ("present", None))
            db.session.add(AttendanceMark(
                registration=registration, session_day=day, status=mark, note=note, recorded_by_id=officer.id,
                recorded_at=datetime.combine(day.date, time(6, 30), tzinfo=timezone.utc),
            ))

    for text, theme, acronym, due, status, updates in RECOMMENDATIONS:
        recommendation = Recommendation(
            training=training, text=text, theme=theme, responsible_organisation=orgs[acronym], due_date=due,
            status=status, created_by_id=officer.id, created_at=datetime(2022, 2, 17, 13, 0, tzinfo=timezone.utc),
        )
        for when, new_status, note in updates:
            recommendation.updates.append(RecommendationUpdate(date=when, status=new_status, note=note, author_id=officer.id))
        db.session.add(recommendation)
    db.session.flush()
    return training


def _create_follow_up(course, orgs, officer):
    today = date.today()
    start = today + timedelta(days=45)
    training = TrainingSession(
        course=course, title=FOLLOW_UP_TITLE, title_ar=FOLLOW_UP_TITLE_AR,
        start_date=start, end_date=start + timedelta(days=1),
        venue="Al-Nahrain Centre for Strategic Studies", venue_ar="مركز النهرين للدراسات الاستراتيجية",
        city="Baghdad", city_ar="بغداد", country="IQ", language="en_ar", capacity=25,
        registration_opens_at=datetime.combine(today - timedelta(days=7), time(0, 0), tzinfo=timezone.utc),
        registration_closes_at=datetime.combine(start - timedelta(days=7), time(20, 59), tzinfo=timezone.utc),
        confirmation_mode="automatic", status="open", cert_min_attendance=100, women_target_percent=WOMEN_TARGET_PERCENT,
        notes="Requested by participants of the February 2022 training.",
    )
    training.days = [SessionDay(date=start + timedelta(days=i)) for i in range(2)]
    _organisers(training, orgs, "NCSS", ["UNOCT", "IOM", "UNAMI HRO"])
    training.officers.append(officer)
    db.session.add(training)
    db.session.flush()
    return training
