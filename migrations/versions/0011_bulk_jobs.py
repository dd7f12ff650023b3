"""bulk_jobs and bulk_job_parts: the durable record of bulk jobs (certificates, reports, imports), their progress,
failure reason and file, shared by every app server and worker

Revision ID: 0011_bulk_jobs
Revises: 0010_data_versions
Create Date: 2026-11-29 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_bulk_jobs'
down_revision = '0010_data_versions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bulk_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('training_id', sa.Integer(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=7), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('parts_total', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('result', sa.LargeBinary(), nullable=True),
    sa.Column('result_filename', sa.String(length=200), nullable=True),
    sa.Column('result_mimetype', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_bulk_jobs_status_allowed')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_bulk_jobs_started_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['training_id'], ['training_sessions.id'], name=op.f('fk_bulk_jobs_training_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_jobs'))
    )
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_jobs_started_by_id'), ['started_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulk_jobs_training_id'), ['training_id'], unique=False)

    op.create_table('bulk_job_parts',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['bulk_jobs.id'], name=op.f('fk_bulk_job_parts_job_id_bulk_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'number', name=op.f('pk_bulk_job_parts'))
    )


def downgrade():
    op.drop_table('bulk_job_parts')
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_jobs_training_id'))
        batch_op.drop_index(batch_op.f('ix_bulk_jobs_started_by_id'))

    op.drop_table('bulk_jobs')
