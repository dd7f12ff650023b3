"""evaluation: a course's question bank (versioned), a training's tests and surveys, and their answers

Revision ID: 0009_evaluation
Revises: 0008_mail_claims
Create Date: 2026-11-29 15:27:24.269500

New tables only; nothing existing changes.

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_evaluation'
down_revision = '0008_mail_claims'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_instruments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('training_session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('follow_up_months', sa.Integer(), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('pre', 'post', 'reaction', 'follow_up')", name=op.f('ck_evaluation_instruments_kind_allowed')),
    sa.CheckConstraint('follow_up_months >= 1 AND follow_up_months <= 24', name=op.f('ck_evaluation_instruments_follow_up_months_range')),
    sa.ForeignKeyConstraint(['training_session_id'], ['training_sessions.id'], name=op.f('fk_evaluation_instruments_training_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_instruments')),
    sa.UniqueConstraint('training_session_id', 'kind', name=op.f('uq_evaluation_instruments_training_session_id_kind'))
    )
    with op.batch_alter_table('evaluation_instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_instruments_training_session_id'), ['training_session_id'], unique=False)

    op.create_table('evaluation_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('bank', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_ar', sa.Text(), nullable=True),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('correct', sa.JSON(), nullable=True),
    sa.Column('theme', sa.String(length=200), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("bank IN ('test', 'reaction', 'follow_up')", name=op.f('ck_evaluation_questions_bank_allowed')),
    sa.CheckConstraint("kind IN ('single', 'multiple', 'true_false', 'likert', 'text')", name=op.f('ck_evaluation_questions_kind_allowed')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_evaluation_questions_version_positive')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_evaluation_questions_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_evaluation_questions_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_questions'))
    )
    with op.batch_alter_table('evaluation_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_questions_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_questions_family_id'), ['family_id'], unique=False)

    op.create_table('evaluation_respondents',
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['evaluation_instruments.id'], name=op.f('fk_evaluation_respondents_instrument_id_evaluation_instruments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_evaluation_respondents_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('instrument_id', 'participant_id', name=op.f('pk_evaluation_respondents'))
    )
    with op.batch_alter_table('evaluation_respondents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_respondents_participant_id'), ['participant_id'], unique=False)

    op.create_table('evaluation_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('source', sa.String(length=6), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("source IN ('online', 'paper')", name=op.f('ck_evaluation_responses_source_allowed')),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 1)', name=op.f('ck_evaluation_responses_score_range')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_evaluation_responses_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['instrument_id'], ['evaluation_instruments.id'], name=op.f('fk_evaluation_responses_instrument_id_evaluation_instruments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_evaluation_responses_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_responses')),
    sa.UniqueConstraint('instrument_id', 'participant_id', name=op.f('uq_evaluation_responses_instrument_id_participant_id'))
    )
    with op.batch_alter_table('evaluation_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_responses_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_responses_participant_id'), ['participant_id'], unique=False)

    op.create_table('evaluation_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['evaluation_questions.id'], name=op.f('fk_evaluation_answers_question_id_evaluation_questions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['response_id'], ['evaluation_responses.id'], name=op.f('fk_evaluation_answers_response_id_evaluation_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_answers'))
    )
    with op.batch_alter_table('evaluation_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_answers_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_answers_response_id'), ['response_id'], unique=False)

    op.create_table('evaluation_instrument_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['evaluation_instruments.id'], name=op.f('fk_evaluation_instrument_items_instrument_id_evaluation_instruments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['evaluation_questions.id'], name=op.f('fk_evaluation_instrument_items_question_id_evaluation_questions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_instrument_items')),
    sa.UniqueConstraint('instrument_id', 'question_id', name=op.f('uq_evaluation_instrument_items_instrument_id_question_id'))
    )
    with op.batch_alter_table('evaluation_instrument_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_instrument_items_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_instrument_items_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('evaluation_instrument_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_instrument_items_question_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_instrument_items_instrument_id'))

    op.drop_table('evaluation_instrument_items')
    with op.batch_alter_table('evaluation_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_answers_response_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_answers_question_id'))

    op.drop_table('evaluation_answers')
    with op.batch_alter_table('evaluation_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_responses_participant_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_responses_instrument_id'))

    op.drop_table('evaluation_responses')
    with op.batch_alter_table('evaluation_respondents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_respondents_participant_id'))

    op.drop_table('evaluation_respondents')
    with op.batch_alter_table('evaluation_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_questions_family_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_questions_course_id'))

    op.drop_table('evaluation_questions')
    with op.batch_alter_table('evaluation_instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_instruments_training_session_id'))

    op.drop_table('evaluation_instruments')
