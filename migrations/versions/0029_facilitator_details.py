"""facilitators: a title in English and Arabic, and an e-mail address for the officers

Revision ID: 0029_facilitator_details
Revises: 0028_persons_trained
Create Date: 2026-12-02 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0029_facilitator_details'
down_revision = '0028_persons_trained'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('facilitators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('title_ar', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('facilitators', schema=None) as batch_op:
        batch_op.drop_column('email')
        batch_op.drop_column('title_ar')
        batch_op.drop_column('title')
