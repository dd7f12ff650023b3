"""evaluation: the reaction survey's answers wait in a pool until 5 people have answered, then are written in
shuffled batches; the answers already stored are filed that way

Revision ID: 0024_anonymous_batches
Revises: 0023_letters
Create Date: 2026-11-29 17:00:00

"""
import json
import random

from alembic import op
import sqlalchemy as sa


revision = '0024_anonymous_batches'
down_revision = '0023_letters'
branch_labels = None
depends_on = None

BATCH = 5
instruments = sa.table('evaluation_instruments', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                       sa.column('anonymous_pool', sa.JSON))
responses = sa.table('evaluation_responses', sa.column('id', sa.Integer), sa.column('instrument_id', sa.Integer),
                     sa.column('participant_id', sa.Integer), sa.column('source', sa.String),
                     sa.column('submitted_on', sa.Date))
answers = sa.table('evaluation_answers', sa.column('id', sa.Integer), sa.column('response_id', sa.Integer),
                   sa.column('question_id', sa.Integer), sa.column('choices', sa.JSON), sa.column('value', sa.Integer),
                   sa.column('text', sa.Text), sa.column('correct', sa.Boolean))
ANSWER_FIELDS = ('question_id', 'choices', 'value', 'text', 'correct')


def upgrade():
    with op.batch_alter_table('evaluation_instruments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous_pool', sa.JSON(), nullable=True))
    _refile_anonymous_answers(op.get_bind())


def _refile_anonymous_answers(bind):
    """Stored reaction answers followed their respondents' order: fewer than 5 go to the pool, more are written
    again as one batch in random order (new ids, new rows)."""
    shuffle = random.SystemRandom().shuffle
    for (instrument_id,) in bind.execute(sa.select(instruments.c.id).where(instruments.c.kind == 'reaction')).all():
        rows = bind.execute(sa.select(responses.c.id, responses.c.source, responses.c.submitted_on).where(
            responses.c.instrument_id == instrument_id, responses.c.participant_id.is_(None))).all()
        if not rows:
            continue
        ids = [row.id for row in rows]
        found = {}
        for row in bind.execute(sa.select(answers.c.response_id, *[answers.c[f] for f in ANSWER_FIELDS]).where(
                answers.c.response_id.in_(ids))).all():
            found.setdefault(row.response_id, []).append({f: getattr(row, f) for f in ANSWER_FIELDS})
        entries = [{"source": row.source, "answers": found.get(row.id, [])} for row in rows]
        day = max(row.submitted_on for row in rows)
        shuffle(entries)
        bind.execute(answers.delete().where(answers.c.response_id.in_(ids)))
        bind.execute(responses.delete().where(responses.c.id.in_(ids)))
        if len(entries) < BATCH:
            bind.execute(instruments.update().where(instruments.c.id == instrument_id).values(
                anonymous_pool=json.loads(json.dumps(entries))))
            continue
        for entry in entries:
            response_id = bind.execute(responses.insert().values(
                instrument_id=instrument_id, participant_id=None, source=entry["source"], submitted_on=day)
                .returning(responses.c.id)).scalar_one()
            if entry["answers"]:
                bind.execute(answers.insert(), [{"response_id": response_id, **a} for a in entry["answers"]])


def downgrade():
    with op.batch_alter_table('evaluation_instruments', schema=None) as batch_op:
        batch_op.drop_column('anonymous_pool')
