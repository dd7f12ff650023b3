"""registration page index: a training's registrations in id order, so that one page of them (the read API)
reads only that page

Revision ID: 0015_registration_page_index
Revises: 0014_registration_questions
Create Date: 2026-11-29 16:00:00.000000
"""
from alembic import op


revision = '0015_registration_page_index'
down_revision = '0014_registration_questions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_training_session_id_id', ['training_session_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_training_session_id_id')
