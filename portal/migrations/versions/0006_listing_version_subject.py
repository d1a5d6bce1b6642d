"""Listing versions for organisations' own details too: what a version describes (a service or an
organisation)

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("listing_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=20), nullable=False, server_default="service"))


def downgrade():
    with op.batch_alter_table("listing_version", schema=None) as batch_op:
        batch_op.drop_column("subject")
