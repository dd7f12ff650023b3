"""check-in: a start time per day, how each mark was made and the phone's id of an offline mark, a daily rate

Revision ID: 0013_check_in
Revises: 0012_nominations
Create Date: 2026-11-29 16:00:00.000000

Existing marks were all made on the attendance page ("officer"); no day has a start time and no training
a daily rate until an officer sets them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_check_in'
down_revision = '0012_nominations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('session_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.Time(), nullable=True))
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('daily_rate', sa.Numeric(12, 2), nullable=True))
        batch_op.add_column(sa.Column('currency', sa.String(length=3), nullable=True))
    with op.batch_alter_table('attendance_marks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=7), server_default='officer', nullable=False))
        batch_op.add_column(sa.Column('client_mark_id', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_attendance_marks_client_mark_id'), ['client_mark_id'])
        batch_op.create_check_constraint('source_allowed', "source IN ('officer', 'scan', 'self')")


def downgrade():
    with op.batch_alter_table('attendance_marks', schema=None) as batch_op:
        batch_op.drop_constraint('source_allowed', type_='check')
        batch_op.drop_constraint(batch_op.f('uq_attendance_marks_client_mark_id'), type_='unique')
        batch_op.drop_column('client_mark_id')
        batch_op.drop_column('source')
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_column('currency')
        batch_op.drop_column('daily_rate')
    with op.batch_alter_table('session_days', schema=None) as batch_op:
        batch_op.drop_column('starts_at')
