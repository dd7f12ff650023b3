"""certificate printed text: each certificate keeps the names, organisation and training title it printed at
issue, filled in for the certificates already issued from what their holders and trainings say now

Revision ID: 0016_certificate_printed_text
Revises: 0015_registration_page_index
Create Date: 2026-11-29 17:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_certificate_printed_text'
down_revision = '0015_registration_page_index'
branch_labels = None
depends_on = None

COLUMNS = [('printed_name', 200), ('printed_name_ar', 200), ('printed_organisation', 200),
           ('printed_organisation_ar', 200), ('printed_title', 300), ('printed_title_ar', 300)]

# The holder's details (never an erased holder's) and the training's title, for each certificate.
_PERSON = ("(SELECT {value} FROM registrations r JOIN participants p ON p.id = r.participant_id "
           "WHERE r.id = certificates.registration_id AND p.erased_at IS NULL)")
_ORGANISATION = ("(SELECT COALESCE((SELECT o.{column} FROM organisations o WHERE o.id = p.organisation_id), "
                 "p.organisation_other) FROM registrations r JOIN participants p ON p.id = r.participant_id "
                 "WHERE r.id = certificates.registration_id)")
_TRAINING = ("(SELECT t.{column} FROM registrations r JOIN training_sessions t ON t.id = r.training_session_id "
             "WHERE r.id = certificates.registration_id)")


#: fills in each certificate's printed text from its holder and training as they are now
BACKFILL = (
    "UPDATE certificates SET "
    f"printed_name = {_PERSON.format(value='p.name')}, "
    f"printed_name_ar = {_PERSON.format(value='p.name_ar')}, "
    f"printed_organisation = {_ORGANISATION.format(column='name')}, "
    f"printed_organisation_ar = {_ORGANISATION.format(column='name_ar')}, "
    f"printed_title = {_TRAINING.format(column='title')}, "
    f"printed_title_ar = {_TRAINING.format(column='title_ar')}"
)


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    op.execute(BACKFILL)


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        for name, _length in reversed(COLUMNS):
            batch_op.drop_column(name)
