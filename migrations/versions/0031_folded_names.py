"""folded search everywhere: courses' titles, organisations' names and acronyms, users' addresses and names, and
the outbox's recipients and subjects are also kept folded (hamza forms of alef, alef maqsura, Persian yeh and kaf,
tatweel, tashkeel, case), so that every search box finds احمد as أحمد; filled in for the rows stored already

Revision ID: 0031_folded_names
Revises: 0030_sensitive_job_files
Create Date: 2026-11-30 12:00:00
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0031_folded_names'
down_revision = '0030_sensitive_job_files'
branch_labels = None
depends_on = None

# as in training_mgr/core/text.py when this revision was written (a revision never changes)
_FOLDS = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
                        "\u0649": "\u064a", "\u06cc": "\u064a", "\u06a9": "\u0643"})
_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")
BATCH = 5000

#: table -> the columns folded into its ``search_folded``, one a line
SOURCES = {
    'courses': ('title', 'title_ar'),
    'organisations': ('name', 'name_ar', 'acronym'),
    'users': ('email', 'name'),
    'outbound_emails': ('recipient', 'subject'),
}


def _fold(value):
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_FOLDS)
    return " ".join(_MARKS.sub("", text).casefold().split())


def _backfill(name, sources):
    table = sa.table(name, sa.column('id', sa.Integer), sa.column('search_folded', sa.Text),
                     *(sa.column(source, sa.Text) for source in sources))
    connection = op.get_bind()
    last = 0
    while True:  # in batches: the outbox of a busy deployment is long
        rows = connection.execute(sa.select(table.c.id, *(table.c[s] for s in sources)).where(table.c.id > last)
                                  .order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        connection.execute(table.update().where(table.c.id == sa.bindparam('row_id'))
                           .values(search_folded=sa.bindparam('folded')),
                           [{"row_id": row[0], "folded": "\n".join(_fold(v) for v in row[1:])} for row in rows])
        last = rows[-1][0]


def upgrade():
    for name, sources in SOURCES.items():
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_folded', sa.Text(), server_default='', nullable=False))
        _backfill(name, sources)


def downgrade():
    for name in reversed(list(SOURCES)):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column('search_folded')
