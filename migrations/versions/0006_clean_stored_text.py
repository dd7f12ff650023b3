"""clean stored text: control characters, bidi overrides and stray line breaks removed from rows stored before input was cleaned

Every text column of every table is cleaned the way typed text now is on input: a VARCHAR column is one
line (line breaks and tabs become a space, the ends stripped), a TEXT column keeps its line breaks as
``\\n``; control characters, NUL, bidi embeddings/overrides/isolates, lone surrogates, noncharacters and
the byte-order mark go; the rest is put in Unicode NFC. Key columns (primary and foreign) are left alone.
A cleaned value that would collide with another row's value in a unique column is left as it was (the
writers cope with any text); so is everything else when nothing needs cleaning, so running it on clean
data changes nothing.

Revision ID: 0006_clean_stored_text
Revises: 0005_rate_limit_counters
Create Date: 2026-12-02 15:00:00.000000

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0006_clean_stored_text'
down_revision = '0005_rate_limit_counters'
branch_labels = None
depends_on = None

# A copy of training_mgr.core.text.clean_text as it was when this revision was written: a migration must
# keep doing what it did, whatever the application's code becomes later.
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_UNWANTED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\u180e\U000e0000-\U000e007f\ud800-\udfff\ufdd0-\ufdef\ufeff\ufffe\uffff]")
#: rows read and written per round trip
_BATCH = 1000


def _clean(value, multiline):
    if not isinstance(value, str):
        return value
    value = _LINE_BREAKS.sub("\n" if multiline else " ", value)
    if not multiline:
        value = value.replace("\t", " ")
    value = unicodedata.normalize("NFC", _UNWANTED.sub("", value))
    return value if multiline else value.strip()


def upgrade():
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    changed = 0
    for table_name in inspector.get_table_names():
        if table_name == 'alembic_version':
            continue
        changed += _clean_table(bind, inspector, table_name)
    if changed and 'data_state' in inspector.get_table_names():
        # pages cached from the old text are stale now
        bind.execute(sa.text('UPDATE data_state SET data_version = data_version + 1'))


def _clean_table(bind, inspector, table_name):
    keys = set(inspector.get_pk_constraint(table_name)['constrained_columns'])
    if not keys:
        return 0
    for foreign_key in inspector.get_foreign_keys(table_name):
        keys.update(foreign_key['constrained_columns'])
    texts = {}  # column -> (multiline, length or None)
    for column in inspector.get_columns(table_name):
        kind = column['type']
        if column['name'] not in keys and isinstance(kind, sa.String):
            texts[column['name']] = (isinstance(kind, sa.Text), getattr(kind, 'length', None))
    if not texts:
        return 0
    unique = [c['column_names'][0] for c in inspector.get_unique_constraints(table_name) if len(c['column_names']) == 1]
    unique += [i['column_names'][0] for i in inspector.get_indexes(table_name)
               if i.get('unique') and len(i['column_names']) == 1 and i['column_names'][0] is not None]
    primary = sorted(inspector.get_pk_constraint(table_name)['constrained_columns'])
    table = sa.table(table_name, *[sa.column(name) for name in primary + sorted(texts)])
    taken = {name: set(bind.scalars(sa.select(table.c[name]))) for name in set(unique) & set(texts)}
    changed = 0
    for rows in _batches(bind, table, primary):
        for row in rows:
            values = {}
            for name, (multiline, length) in texts.items():
                old = row._mapping[name]
                new = _clean(old, multiline)
                if new == old:
                    continue
                if length and len(new) > length:
                    new = new[:length]
                if name in taken:
                    if new in taken[name]:
                        continue
                    taken[name].add(new)
                values[name] = new
            if values:
                bind.execute(
                    table.update().where(*[table.c[k] == row._mapping[k] for k in primary]).values(**values)
                )
                changed += 1
    return changed


def _batches(bind, table, primary):
    """The table's rows in batches: by key ranges when the key is one column, else all at once."""
    if len(primary) != 1:
        yield bind.execute(sa.select(table)).all()
        return
    key = table.c[primary[0]]
    last = None
    while True:
        query = sa.select(table).order_by(key).limit(_BATCH)
        if last is not None:
            query = query.where(key > last)
        rows = bind.execute(query).all()
        if not rows:
            return
        yield rows
        last = rows[-1]._mapping[primary[0]]


def downgrade():
    # nothing to undo: the characters removed were never meant to be there, and are not kept anywhere
    pass
