"""appeal.source: mail or form (issue 13, the public appeal form)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default='mail'))
        batch_op.create_index(batch_op.f('ix_appeal_source'), ['source'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_source'))
        batch_op.drop_column('source')
