"""Each listing version keeps the live listing it was started from, so approving it after someone
else's change keeps that change (portal/listings/merging.py).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("listing_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("base_snapshot", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("listing_version", schema=None) as batch_op:
        batch_op.drop_column("base_snapshot")
