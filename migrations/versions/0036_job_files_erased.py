"""bulk jobs: a kept file deleted because the personal data of someone it named was erased, so the job page says why

Revision ID: 0036_job_files_erased
Revises: 0035_credentials_version
Create Date: 2026-11-29 20:15:00

No file was deleted for that reason before: every job starts unmarked.
"""
from alembic import op
import sqlalchemy as sa


revision = '0036_job_files_erased'
down_revision = '0035_credentials_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.drop_column('erased')
