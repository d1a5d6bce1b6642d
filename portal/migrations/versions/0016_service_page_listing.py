"""A service page's listing kept as one record beside its map and QR code (for each version of the
listing and language), so that a page is read in one query.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("service_page_part") as batch:
        batch.add_column(sa.Column("listing", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("service_page_part") as batch:
        batch.drop_column("listing")
