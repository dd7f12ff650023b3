"""folded search: participants' names and trainings' titles and cities are also kept folded (hamza forms of alef,
alef maqsura, Persian yeh and kaf, tatweel, tashkeel, case), so that searching احمد finds أحمد; filled in for the
rows stored already

Revision ID: 0022_folded_search
Revises: 0021_agenda
Create Date: 2026-11-29 16:40:00.000000
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0022_folded_search'
down_revision = '0021_agenda'
branch_labels = None
depends_on = None

# as in training_mgr/core/text.py when this revision was written (a revision never changes)
_FOLDS = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
                        "\u0649": "\u064a", "\u06cc": "\u064a", "\u06a9": "\u0643"})
_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")


def _fold(value):
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_FOLDS)
    return " ".join(_MARKS.sub("", text).casefold().split())


def _lines(*values):
    return "\n".join(_fold(value) for value in values)


def _backfill(table, column, sources):
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, {', '.join(sources)} FROM {table}")).all()
    if rows:
        connection.execute(sa.text(f"UPDATE {table} SET {column} = :folded WHERE id = :id"),
                           [{"id": row[0], "folded": _lines(*row[1:])} for row in rows])


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_folded', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_participants_name_folded'), ['name_folded'], unique=False)
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_folded', sa.Text(), server_default='', nullable=False))
    _backfill('participants', 'name_folded', ('name', 'name_ar'))
    _backfill('training_sessions', 'search_folded', ('title', 'title_ar', 'city', 'city_ar'))


def downgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_column('search_folded')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_name_folded'))
        batch_op.drop_column('name_folded')
