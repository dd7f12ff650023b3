"""outbound e-mail: when it was last tried, and which sender owns it while it is being sent

Revision ID: 0008_mail_claims
Revises: 0007_registration_holds
Create Date: 2026-12-02 16:00:00.000000

Existing messages are unclaimed and keep their schedule; their last attempt time is unknown.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_mail_claims'
down_revision = '0007_registration_holds'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbound_emails', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('last_attempt_at')
