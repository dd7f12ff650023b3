"""registration questions: a line of help under each question, in English and Arabic

Revision ID: 0026_question_help
Revises: 0025_audit_details
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0026_question_help'
down_revision = '0025_audit_details'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('help', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('help_ar', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('registration_questions', schema=None) as batch_op:
        batch_op.drop_column('help_ar')
        batch_op.drop_column('help')
