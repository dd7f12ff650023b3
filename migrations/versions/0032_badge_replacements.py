"""check-in: a lost or stolen badge replaced one by one, so that the old one's code is refused

Revision ID: 0032_badge_replacements
Revises: 0031_folded_names
Create Date: 2026-11-29 20:00:00

No badge has been replaced yet: every registration keeps its first badge, whose code is unchanged.
"""
from alembic import op
import sqlalchemy as sa


revision = '0032_badge_replacements'
down_revision = '0031_folded_names'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('badge_replacements',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_badge_replacements_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['users.id'], name=op.f('fk_badge_replacements_replaced_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_badge_replacements'))
    )


def downgrade():
    op.drop_table('badge_replacements')
