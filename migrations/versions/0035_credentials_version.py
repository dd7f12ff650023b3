"""API tokens carry the credentials generation of the session that made them, so that a token made by a request
under way while the password changed (or the account was closed) is refused too

Revision ID: 0035_credentials_version
Revises: 0034_faster_kept_counts
Create Date: 2026-11-29 20:10:00

Every account and every token starts at generation 1: the tokens that work today keep working.
"""
from alembic import op
import sqlalchemy as sa


revision = '0035_credentials_version'
down_revision = '0034_faster_kept_counts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credentials_version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credentials_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('credentials_version')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('credentials_version')
