"""bulk jobs: a job's file may hold sensitive answers (the letters' passport details), deleted with them

Revision ID: 0030_sensitive_job_files
Revises: 0029_facilitator_details
Create Date: 2026-11-29 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0030_sensitive_job_files'
down_revision = '0029_facilitator_details'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sensitive', sa.Boolean(), server_default=sa.false(), nullable=False))
    # the letters' ZIPs kept so far print passport details too
    op.execute("UPDATE bulk_jobs SET sensitive = true WHERE kind = 'letters.export'")


def downgrade():
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.drop_column('sensitive')
