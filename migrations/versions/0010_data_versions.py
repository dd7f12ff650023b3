"""data_versions: one version per table, so a cached page is stale only when a table it shows was written

Revision ID: 0010_data_versions
Revises: 0009_evaluation
Create Date: 2026-11-29 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_data_versions'
down_revision = '0009_evaluation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_versions',
    sa.Column('name', sa.String(length=63), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_versions'))
    )


def downgrade():
    op.drop_table('data_versions')
