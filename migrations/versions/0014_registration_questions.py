"""registration questions: a training's own questions and built-in travel fields, the answers given, and how long
sensitive answers are kept after the training

Revision ID: 0014_registration_questions
Revises: 0013_check_in
Create Date: 2026-11-29 16:30:00.000000

Existing trainings keep sensitive answers 90 days after they end (they have none yet).
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_registration_questions'
down_revision = '0013_check_in'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('training_session_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('label_ar', sa.String(length=300), nullable=True),
    sa.Column('choices', sa.Text(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('builtin', sa.String(length=30), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('short_text', 'long_text', 'single_choice', 'multiple_choice', 'date', 'yes_no')", name=op.f('ck_registration_questions_kind_allowed')),
    sa.ForeignKeyConstraint(['training_session_id'], ['training_sessions.id'], name=op.f('fk_registration_questions_training_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_questions')),
    sa.UniqueConstraint('training_session_id', 'builtin', name=op.f('uq_registration_questions_training_session_id_builtin'))
    )
    with op.batch_alter_table('registration_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_questions_training_session_id'), ['training_session_id'], unique=False)

    op.create_table('registration_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['registration_questions.id'], name=op.f('fk_registration_answers_question_id_registration_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_answers_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_answers')),
    sa.UniqueConstraint('registration_id', 'question_id', name=op.f('uq_registration_answers_registration_id_question_id'))
    )
    with op.batch_alter_table('registration_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_answers_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_answers_registration_id'), ['registration_id'], unique=False)

    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sensitive_retention_days', sa.Integer(), server_default='90', nullable=False))
        batch_op.create_check_constraint(op.f('ck_training_sessions_sensitive_retention_days_non_negative'),
                                         'sensitive_retention_days >= 0')


def downgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_training_sessions_sensitive_retention_days_non_negative'), type_='check')
        batch_op.drop_column('sensitive_retention_days')

    with op.batch_alter_table('registration_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_answers_registration_id'))
        batch_op.drop_index(batch_op.f('ix_registration_answers_question_id'))
    op.drop_table('registration_answers')
    with op.batch_alter_table('registration_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_questions_training_session_id'))
    op.drop_table('registration_questions')
