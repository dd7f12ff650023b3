"""audit log: each entry keeps the values its sentence names (``details``) and its text folded for the person filter
(filled in for the entries stored already); the changes recorded under the bare actions "create", "update",
"delete", "message" and "view_sensitive" get the names of what they were

Revision ID: 0025_audit_details
Revises: 0024_anonymous_batches
Create Date: 2026-11-30 10:00:00
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0025_audit_details'
down_revision = '0024_anonymous_batches'
branch_labels = None
depends_on = None

# as in training_mgr/core/text.py when this revision was written (a revision never changes)
_FOLDS = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
                        "\u0649": "\u064a", "\u06cc": "\u064a", "\u06a9": "\u0643"})
_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")
BATCH = 5000


def _fold(value):
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_FOLDS)
    return " ".join(_MARKS.sub("", text).casefold().split())


#: (old action, object type, summary pattern or None, new action): what each bare action recorded
RENAMES = [
    ("create", "Facilitator", None, "agenda.facilitator_add"),
    ("create", "AgendaSlot", None, "agenda.slot_add"),
    ("delete", "AgendaSlot", None, "agenda.slot_remove"),
    ("create", "Material", None, "agenda.material_add"),
    ("update", "Material", "% released", "agenda.material_release"),
    ("update", "Material", "% withdrawn", "agenda.material_withdraw"),
    ("delete", "Material", None, "agenda.material_remove"),
    ("update", "TrainingSession", "% materials released", "agenda.materials_release"),
    ("update", "TrainingSession", "Letter settings changed", "letters.settings"),
    ("update", "TrainingSession", "Reminder schedule changed", "messages.reminders"),
    ("update", "Organisation", "Letterhead changed", "letters.letterhead"),
    ("view_sensitive", "TrainingSession", None, "letters.passports_printed"),
    ("message", "TrainingSession", None, "messages.send"),
]

entries = sa.table('audit_entries', sa.column('id', sa.Integer), sa.column('action', sa.String),
                   sa.column('object_type', sa.String), sa.column('summary', sa.Text),
                   sa.column('search_folded', sa.Text))


def _rename(old, object_type, pattern, new):
    condition = sa.and_(entries.c.action == old, entries.c.object_type == object_type)
    if pattern is not None:
        condition = sa.and_(condition, entries.c.summary.like(pattern))
    op.execute(entries.update().where(condition).values(action=new))


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('search_folded', sa.Text(), server_default='', nullable=False))
    connection = op.get_bind()
    last = 0
    while True:  # in batches: the log of a busy deployment is long
        rows = connection.execute(sa.select(entries.c.id, entries.c.summary).where(entries.c.id > last)
                                  .order_by(entries.c.id).limit(BATCH)).all()
        if not rows:
            break
        connection.execute(entries.update().where(entries.c.id == sa.bindparam('entry_id'))
                           .values(search_folded=sa.bindparam('folded')),
                           [{"entry_id": row.id, "folded": _fold(row.summary)} for row in rows])
        last = rows[-1].id
    for old, object_type, pattern, new in RENAMES:
        _rename(old, object_type, pattern, new)


def downgrade():
    for old, object_type, _pattern, new in RENAMES:
        op.execute(entries.update().where(entries.c.action == new, entries.c.object_type == object_type)
                   .values(action=old))
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('search_folded')
        batch_op.drop_column('details')
