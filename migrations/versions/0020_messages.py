"""messages: what each participant was sent about a training (the message log), a training's reminder schedule,
and who opted out of non-essential messages

Revision ID: 0020_messages
Revises: 0019_attendance_tallies
Create Date: 2026-11-29 16:20:18.904320

"""
from alembic import op
import sqlalchemy as sa


revision = '0020_messages'
down_revision = '0019_attendance_tallies'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('message_opt_outs',
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_message_opt_outs_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('participant_id', name=op.f('pk_message_opt_outs'))
    )
    op.create_table('message_settings',
    sa.Column('training_session_id', sa.Integer(), nullable=False),
    sa.Column('reminder_days', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['training_session_id'], ['training_sessions.id'], name=op.f('fk_message_settings_training_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('training_session_id', name=op.f('pk_message_settings'))
    )
    op.create_table('message_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('training_session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('once_key', sa.String(length=60), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('email_id', sa.Integer(), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['email_id'], ['outbound_emails.id'], name=op.f('fk_message_log_email_id_outbound_emails'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_message_log_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_message_log_sent_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['training_session_id'], ['training_sessions.id'], name=op.f('fk_message_log_training_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_log')),
    sa.UniqueConstraint('participant_id', 'training_session_id', 'once_key', name=op.f('uq_message_log_participant_id_training_session_id_once_key'))
    )
    with op.batch_alter_table('message_log', schema=None) as batch_op:
        batch_op.create_index('ix_message_log_training_session_id_created_at', ['training_session_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('message_log', schema=None) as batch_op:
        batch_op.drop_index('ix_message_log_training_session_id_created_at')

    op.drop_table('message_log')
    op.drop_table('message_settings')
    op.drop_table('message_opt_outs')
