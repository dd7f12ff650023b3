"""registration holds: a seat asked for on the public form for someone already known waits for that person

Revision ID: 0007_registration_holds
Revises: 0006_clean_stored_text
Create Date: 2026-12-02 15:00:00.000000

Existing registrations are not held (the new columns are empty, ``hold_keeps_seat`` false).
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_registration_holds'
down_revision = '0006_clean_stored_text'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hold_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hold_keeps_seat', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_registrations_held_until'), ['held_until'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_registrations_hold_token_hash'), ['hold_token_hash'])


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_registrations_hold_token_hash'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_registrations_held_until'))
        batch_op.drop_column('hold_keeps_seat')
        batch_op.drop_column('hold_token_hash')
        batch_op.drop_column('held_until')
