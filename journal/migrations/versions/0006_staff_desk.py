"""staff desk: accounts, sessions, corrections, director's sign-off drafts, search index (issue 12)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_STR = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', _STR(), nullable=False),
    sa.Column('name', _STR(), nullable=False),
    sa.Column('role', _STR(), nullable=False),
    sa.Column('department', _STR(), nullable=True),
    sa.Column('password_hash', _STR(), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', _TIME(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_staff_user_login', 'staff_user', ['login'], unique=True)
    op.create_table('staff_session',
    sa.Column('token_sha256', _STR(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', _STR(), nullable=False),
    sa.Column('created_at', _TIME(), nullable=False),
    sa.Column('expires_at', _TIME(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('token_sha256')
    )
    op.create_index('ix_staff_session_user_id', 'staff_session', ['user_id'])
    op.create_index('ix_staff_session_expires_at', 'staff_session', ['expires_at'])
    op.create_table('correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('field', _STR(), nullable=False),
    sa.Column('read_value', _STR(), nullable=True),
    sa.Column('corrected_value', _STR(), nullable=True),
    sa.Column('actor', _STR(), nullable=False),
    sa.Column('at', _TIME(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_correction_appeal_id', 'correction', ['appeal_id'])
    op.create_index('ix_correction_field', 'correction', ['field'])
    op.create_table('signoff_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('template', _STR(), nullable=False),
    sa.Column('values_json', _STR(), nullable=False),
    sa.Column('attachments_json', _STR(), nullable=False),
    sa.Column('author', _STR(), nullable=False),
    sa.Column('created_at', _TIME(), nullable=False),
    sa.Column('state', _STR(), nullable=False),
    sa.Column('decided_by', _STR(), nullable=True),
    sa.Column('decided_at', _TIME(), nullable=True),
    sa.Column('comment', _STR(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_signoff_draft_appeal_id', 'signoff_draft', ['appeal_id'])
    op.create_index('ix_signoff_draft_state', 'signoff_draft', ['state'])
    op.create_table('appeal_search',
    sa.Column('appeal_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('lemmas', _STR(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], ),
    sa.PrimaryKeyConstraint('appeal_id')
    )
    _full_text_index()
    for name, column in (("department", "department"), ("assignee", "assignee"),
                         ("status", "status")):
        op.create_index(f"ix_appeal_{name}_received", "appeal", [column, "received_at"])


def _full_text_index() -> None:
    """SQLite: an FTS5 table over appeal_search kept in step by triggers; PostgreSQL: a stored
    'simple' tsvector of the lemmas (they are lemmatised already) with a GIN index."""
    if op.get_bind().dialect.name == "postgresql":  # stored: a recheck reads, never computes
        op.execute("ALTER TABLE appeal_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
                   "(to_tsvector('simple', lemmas)) STORED")
        op.execute("CREATE INDEX ix_appeal_search_tsv ON appeal_search USING gin (tsv)")
        return
    op.execute("CREATE VIRTUAL TABLE appeal_fts USING fts5(lemmas, content='appeal_search', "
               "content_rowid='appeal_id', tokenize='unicode61')")
    op.execute("""CREATE TRIGGER appeal_search_ai AFTER INSERT ON appeal_search BEGIN
                  INSERT INTO appeal_fts(rowid, lemmas) VALUES (new.appeal_id, new.lemmas); END""")
    op.execute("""CREATE TRIGGER appeal_search_ad AFTER DELETE ON appeal_search BEGIN
                  INSERT INTO appeal_fts(appeal_fts, rowid, lemmas)
                  VALUES ('delete', old.appeal_id, old.lemmas); END""")
    op.execute("""CREATE TRIGGER appeal_search_au AFTER UPDATE ON appeal_search BEGIN
                  INSERT INTO appeal_fts(appeal_fts, rowid, lemmas)
                  VALUES ('delete', old.appeal_id, old.lemmas);
                  INSERT INTO appeal_fts(rowid, lemmas) VALUES (new.appeal_id, new.lemmas); END""")


def downgrade() -> None:
    for name in ("department", "assignee", "status"):
        op.drop_index(f"ix_appeal_{name}_received", table_name="appeal")
    if op.get_bind().dialect.name != "postgresql":
        for trigger in ("appeal_search_ai", "appeal_search_ad", "appeal_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS appeal_fts")
    for table in ("appeal_search", "signoff_draft", "correction", "staff_session", "staff_user"):
        op.drop_table(table)
