"""object permissions: the officers who manage a course, and an organisation's steward

Revision ID: 0003_object_permissions
Revises: 0002_data_state
Create Date: 2026-12-02 09:00:00.000000

Existing courses get as managers the officers of their trainings and the officer who created them (from the
audit log); a course with neither is left to the admins. An existing organisation's steward is the officer who
added it, when the audit log names one; otherwise it is left to the admins.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_object_permissions'
down_revision = '0002_data_state'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_officers',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_officers_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_course_officers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'user_id', name=op.f('pk_course_officers'))
    )
    with op.batch_alter_table('course_officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_officers_user_id'), ['user_id'], unique=False)

    op.create_table('organisation_stewards',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_stewards_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_organisation_stewards_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_organisation_stewards'))
    )
    with op.batch_alter_table('organisation_stewards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_stewards_user_id'), ['user_id'], unique=False)

    op.execute(sa.text(
        "INSERT INTO course_officers (course_id, user_id)"
        " SELECT pairs.course_id, pairs.user_id FROM ("
        "  SELECT ts.course_id AS course_id, so.user_id AS user_id FROM session_officers so"
        "  JOIN training_sessions ts ON ts.id = so.training_session_id"
        "  UNION"
        "  SELECT c.id AS course_id, a.user_id AS user_id FROM audit_entries a JOIN courses c ON c.id = a.object_id"
        "  WHERE a.action = 'course.create' AND a.object_type = 'Course' AND a.user_id IS NOT NULL"
        " ) pairs JOIN users u ON u.id = pairs.user_id WHERE u.role = 'officer'"
    ))
    op.execute(sa.text(
        "INSERT INTO organisation_stewards (organisation_id, user_id)"
        " SELECT o.id, MIN(a.user_id) FROM organisations o"
        " JOIN audit_entries a ON a.object_id = o.id AND a.object_type = 'Organisation' AND a.action = 'organisation.create'"
        " JOIN users u ON u.id = a.user_id AND u.role = 'officer'"
        " GROUP BY o.id"
    ))


def downgrade():
    with op.batch_alter_table('organisation_stewards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_stewards_user_id'))

    op.drop_table('organisation_stewards')
    with op.batch_alter_table('course_officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_officers_user_id'))

    op.drop_table('course_officers')
