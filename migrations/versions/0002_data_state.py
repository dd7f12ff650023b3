"""data_state: one row whose version rises with every write, so cached pages know when they are stale

Revision ID: 0002_data_state
Revises: 0001_initial
Create Date: 2026-11-27 07:20:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0002_data_state'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade():
    data_state = op.create_table('data_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('epoch', sa.BigInteger(), nullable=False),
    sa.Column('data_version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_state'))
    )
    op.bulk_insert(data_state, [{'id': 1, 'epoch': secrets.randbits(62), 'data_version': 1}])


def downgrade():
    op.drop_table('data_state')
