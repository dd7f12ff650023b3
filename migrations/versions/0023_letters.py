"""letters: an organisation's logo and address for letterheads, and each training's letter settings (reference
prefix, date, signatory)

Revision ID: 0023_letters
Revises: 0022_folded_search
Create Date: 2026-11-29 16:32:50.910693

"""
from alembic import op
import sqlalchemy as sa


revision = '0023_letters'
down_revision = '0022_folded_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter_settings',
    sa.Column('training_session_id', sa.Integer(), nullable=False),
    sa.Column('reference_prefix', sa.String(length=40), nullable=False),
    sa.Column('letter_date', sa.Date(), nullable=True),
    sa.Column('signatory_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['signatory_id'], ['signatories.id'], name=op.f('fk_letter_settings_signatory_id_signatories'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['training_session_id'], ['training_sessions.id'], name=op.f('fk_letter_settings_training_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('training_session_id', name=op.f('pk_letter_settings'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('address_ar', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('logo_mimetype', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('logo_mimetype')
        batch_op.drop_column('logo')
        batch_op.drop_column('address_ar')
        batch_op.drop_column('address')

    op.drop_table('letter_settings')
