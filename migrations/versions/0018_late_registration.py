"""late registration: an officer may let online registration stay open until a training's last day; by default
it closes when the training starts

Revision ID: 0018_late_registration
Revises: 0017_registration_tallies
Create Date: 2026-11-29 16:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0018_late_registration'
down_revision = '0017_registration_tallies'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_registration', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_column('late_registration')
