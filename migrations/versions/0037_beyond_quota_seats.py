"""registrations: a nominee confirmed beyond the nomination quota has a seat added, taking no one's place within it

Revision ID: 0037_beyond_quota_seats
Revises: 0036_job_files_erased
Create Date: 2026-11-29 20:20:00

Nominees already approved beyond the quota start unmarked (counted against it, as before); an officer's next
override marks the registration it confirms.
"""
from alembic import op
import sqlalchemy as sa


revision = '0037_beyond_quota_seats'
down_revision = '0036_job_files_erased'
branch_labels = None
depends_on = None


def upgrade():
    # plain ALTER TABLE, not a batch: rebuilding the table on SQLite would drop its triggers (the tallies')
    op.add_column('registrations', sa.Column('beyond_quota', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column('registrations', 'beyond_quota')
