"""nominations: organisations invited to nominate officials through a focal point's link, their nominations, and
a training's gender balance target

Revision ID: 0012_nominations
Revises: 0011_bulk_jobs
Create Date: 2026-11-29 16:00:00.000000

Registrations may now come from a nomination (source "nomination"). Existing trainings have no gender target.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_nominations'
down_revision = '0011_bulk_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('nomination_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('training_session_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('focal_point_name', sa.String(length=200), nullable=False),
    sa.Column('focal_point_email', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_nomination_invitations_seats_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_nomination_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_nomination_invitations_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_nomination_invitations_revoked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['training_session_id'], ['training_sessions.id'], name=op.f('fk_nomination_invitations_training_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nomination_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_nomination_invitations_token_hash'))
    )
    with op.batch_alter_table('nomination_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nomination_invitations_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_nomination_invitations_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nomination_invitations_training_session_id'), ['training_session_id'], unique=False)

    op.create_table('nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_ar', sa.String(length=200), nullable=True),
    sa.Column('sex', sa.String(length=6), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('participant_created', sa.Boolean(), nullable=False),
    sa.Column('confirm_token_hash', sa.String(length=64), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("sex IN ('female', 'male')", name=op.f('ck_nominations_sex_allowed')),
    sa.ForeignKeyConstraint(['invitation_id'], ['nomination_invitations.id'], name=op.f('fk_nominations_invitation_id_nomination_invitations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_nominations_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominations')),
    sa.UniqueConstraint('confirm_token_hash', name=op.f('uq_nominations_confirm_token_hash')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_nominations_registration_id'))
    )
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nominations_invitation_id'), ['invitation_id'], unique=False)

    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('women_target_percent', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_training_sessions_women_target_percent_range'), 'women_target_percent >= 0 AND women_target_percent <= 100')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_registrations_source_allowed'), type_='check')
        batch_op.create_check_constraint(op.f('ck_registrations_source_allowed'), "source IN ('online', 'officer', 'import', 'nomination')")


def downgrade():
    op.execute("UPDATE registrations SET source = 'import' WHERE source = 'nomination'")
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_registrations_source_allowed'), type_='check')
        batch_op.create_check_constraint(op.f('ck_registrations_source_allowed'), "source IN ('online', 'officer', 'import')")

    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_training_sessions_women_target_percent_range'), type_='check')
        batch_op.drop_column('women_target_percent')

    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nominations_invitation_id'))
    op.drop_table('nominations')
    with op.batch_alter_table('nomination_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nomination_invitations_training_session_id'))
        batch_op.drop_index(batch_op.f('ix_nomination_invitations_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_nomination_invitations_deadline'))
    op.drop_table('nomination_invitations')
