"""A service page's map and QR code, drawn once per version of the listing and language and kept, so
that a page never seen before is not drawn from scratch.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "service_page_part",
        sa.Column("service_id", sa.String(length=36), sa.ForeignKey("service.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("locale", sa.String(length=8), primary_key=True),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("map_html", sa.Text(), nullable=True),
        sa.Column("map_scripts", sa.Text(), nullable=True),
        sa.Column("map_styles", sa.Text(), nullable=True),
        sa.Column("map_id", sa.String(length=80), nullable=True),
        sa.Column("qr_svg", sa.Text(), nullable=False),
    )


def downgrade():
    op.drop_table("service_page_part")
