"""participant erasure: when a person's details were erased (on request or by the retention rule)

Revision ID: 0004_participant_erasure
Revises: 0003_object_permissions
Create Date: 2026-12-02 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0004_participant_erasure'
down_revision = '0003_object_permissions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
