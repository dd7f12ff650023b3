"""agenda: time slots per training day with a facilitator and a room, the facilitators, and the materials (files or
links) attached to a slot and released to confirmed participants

Revision ID: 0021_agenda
Revises: 0020_messages
Create Date: 2026-11-29 16:27:56.134226

"""
from alembic import op
import sqlalchemy as sa


revision = '0021_agenda'
down_revision = '0020_messages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('facilitators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_ar', sa.String(length=200), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('bio', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_facilitators_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilitators'))
    )
    op.create_table('agenda_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_ar', sa.String(length=200), nullable=True),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('room', sa.String(length=100), nullable=True),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_agenda_slots_ends_after_start')),
    sa.ForeignKeyConstraint(['day_id'], ['session_days.id'], name=op.f('fk_agenda_slots_day_id_session_days'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitators.id'], name=op.f('fk_agenda_slots_facilitator_id_facilitators'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_slots'))
    )
    with op.batch_alter_table('agenda_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_slots_day_id'), ['day_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_slots_facilitator_id'), ['facilitator_id'], unique=False)

    op.create_table('agenda_materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=True),
    sa.Column('mime_type', sa.String(length=100), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'link') = (url IS NOT NULL)", name=op.f('ck_agenda_materials_link_has_url')),
    sa.CheckConstraint("kind IN ('file', 'link')", name=op.f('ck_agenda_materials_kind_allowed')),
    sa.ForeignKeyConstraint(['slot_id'], ['agenda_slots.id'], name=op.f('fk_agenda_materials_slot_id_agenda_slots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_materials'))
    )
    with op.batch_alter_table('agenda_materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_materials_slot_id'), ['slot_id'], unique=False)



def downgrade():
    with op.batch_alter_table('agenda_materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_materials_slot_id'))

    op.drop_table('agenda_materials')
    with op.batch_alter_table('agenda_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_slots_facilitator_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_slots_day_id'))

    op.drop_table('agenda_slots')
    op.drop_table('facilitators')
