"""Imports every feature's models so that SQLAlchemy and Alembic see the whole schema."""
from .agenda.models import AgendaSlot, Facilitator, Material  # noqa: F401
from .attendance.models import AttendanceMark  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .auth.models import ApiToken, User, UserToken  # noqa: F401
from .bulk.models import BulkJob, BulkJobPart  # noqa: F401
from .certificates.models import Certificate, CertificateCounter  # noqa: F401
from .checkin.models import BadgeReplacement  # noqa: F401
from .core.models import DataState, RateLimitCounter  # noqa: F401
from .courses.models import Course  # noqa: F401
from .evaluation.models import Answer, Instrument, InstrumentItem, Question, Respondent, Response  # noqa: F401
from .evaluation.tallies import EvaluationPerson, EvaluationTally  # noqa: F401
from .letters.models import LetterSettings  # noqa: F401
from .mail.models import OutboundEmail  # noqa: F401
from .messages.models import MessageLogEntry, MessageOptOut, MessageSettings  # noqa: F401
from .nominations.models import Nomination, NominationInvitation  # noqa: F401
from .questions.models import RegistrationAnswer, RegistrationQuestion  # noqa: F401
from .organisations.models import Organisation  # noqa: F401
from .participants.models import Participant  # noqa: F401
from .recommendations.models import Recommendation, RecommendationUpdate  # noqa: F401
from .registrations.models import Registration  # noqa: F401
from .registrations.tallies import OrganisationTally, RegistrationTally  # noqa: F401
from .registrations import copies  # noqa: F401  (the triggers that keep the participant's copies on registrations)
from .attendance.tallies import AttendanceTally  # noqa: F401
from .reports.profiles import AttendanceProfile  # noqa: F401
from .reports.tallies import PersonsTrainedTally, TrainedPerson  # noqa: F401
from .trainings.models import OrganisationQuota, SessionDay, SessionOrganiser, Signatory, TrainingSession  # noqa: F401
