"""correspondence: every message of an appeal, news for the assignee, linked appeals (issue 11)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('correspondence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('direction', _TEXT(), nullable=False),
    sa.Column('sender', _TEXT(), nullable=False),
    sa.Column('recipient', _TEXT(), nullable=False),
    sa.Column('subject', _TEXT(), nullable=False),
    sa.Column('text', _TEXT(), nullable=False),
    sa.Column('full_text', _TEXT(), nullable=False),
    sa.Column('inbound_id', sa.Integer(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('raw_sha256', _TEXT(), nullable=True),
    sa.Column('flag', _TEXT(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], ),
    sa.ForeignKeyConstraint(['inbound_id'], ['inbound_message.id'], ),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('correspondence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correspondence_appeal_id'), ['appeal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_correspondence_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_correspondence_inbound_id'), ['inbound_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_correspondence_outbox_id'), ['outbox_id'], unique=False)

    # plain ADD COLUMN, never a batch copy of `appeal`: on SQLite a copy drops the table, which
    # the foreign keys of inbound_message, outbox, ... refuse once the journal holds mail
    op.add_column('appeal', sa.Column('news_since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column('appeal', sa.Column('linked_to_id', sa.Integer(), nullable=True))
    op.add_column('appeal', sa.Column('link_reason', _TEXT(), nullable=True))
    op.create_index(op.f('ix_appeal_news_since'), 'appeal', ['news_since'], unique=False)
    if op.get_bind().dialect.name != 'sqlite':  # SQLite cannot add a constraint in place
        op.create_foreign_key('fk_appeal_linked_to_id', 'appeal', 'appeal', ['linked_to_id'], ['id'])
    _backfill()


def _backfill() -> None:
    """Journals made before this revision: each appeal's first mail and every queued mail become
    entries (the text of outgoing mail and of earlier replies stays in the raw mail)."""
    op.execute("""
        INSERT INTO correspondence (appeal_id, at, direction, sender, recipient, subject, text,
                                    full_text, inbound_id, raw_sha256, created_at)
        SELECT a.id, a.received_at, 'in', COALESCE(a.sender_email, ''), '', a.subject, a.text,
               a.text, (SELECT MIN(i.id) FROM inbound_message i WHERE i.appeal_id = a.id
                        AND i.outcome = 'registered'), a.raw_sha256, a.created_at
        FROM appeal a""")
    op.execute("""
        INSERT INTO correspondence (appeal_id, at, direction, sender, recipient, subject, text,
                                    full_text, inbound_id, raw_sha256, created_at)
        SELECT i.appeal_id, i.received_at, 'in', '', '', '', '', '', i.id, i.sha256, i.received_at
        FROM inbound_message i WHERE i.appeal_id IS NOT NULL AND i.outcome = 'threaded'""")
    op.execute("""
        INSERT INTO correspondence (appeal_id, at, direction, sender, recipient, subject, text,
                                    full_text, outbox_id, created_at)
        SELECT o.appeal_id, o.created_at, 'out', '', o.recipient, o.subject, '', '', o.id,
               o.created_at
        FROM outbox o WHERE o.appeal_id IS NOT NULL""")


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_appeal_linked_to_id', 'appeal', type_='foreignkey')
    op.drop_index(op.f('ix_appeal_news_since'), table_name='appeal')
    for column in ('link_reason', 'linked_to_id', 'news_since'):
        op.drop_column('appeal', column)  # SQLite >= 3.35 drops a column in place
    with op.batch_alter_table('correspondence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_correspondence_outbox_id'))
        batch_op.drop_index(batch_op.f('ix_correspondence_inbound_id'))
        batch_op.drop_index(batch_op.f('ix_correspondence_at'))
        batch_op.drop_index(batch_op.f('ix_correspondence_appeal_id'))
    op.drop_table('correspondence')
