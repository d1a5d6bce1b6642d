"""Emails with single-use links name their link's record instead of holding the link, and password
reset requests wait for the outbox worker (the request does the same work for every address).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_token_id", sa.String(length=36), nullable=True))
        batch_op.create_index("ix_outbox_message_link_token_id", ["link_token_id"], unique=False)
        batch_op.create_foreign_key("fk_outbox_message_link_token_id", "account_token", ["link_token_id"], ["id"],
                                    ondelete="CASCADE")
    # Emails written before this revision may hold usable links in their bodies: unsent ones are
    # dropped (a new link can be asked for), sent ones lose their text.
    op.execute("DELETE FROM outbox_message WHERE sent_at IS NULL AND (body LIKE '%/reset-password/%'"
               " OR body LIKE '%/invitation/%')")
    op.execute("UPDATE outbox_message SET body = '' WHERE body LIKE '%/reset-password/%'"
               " OR body LIKE '%/invitation/%'")
    op.create_table(
        "password_reset_request",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_password_reset_request_created_at", "password_reset_request", ["created_at"])


def downgrade():
    op.drop_index("ix_password_reset_request_created_at", table_name="password_reset_request")
    op.drop_table("password_reset_request")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_message_link_token_id", type_="foreignkey")
        batch_op.drop_index("ix_outbox_message_link_token_id")
        batch_op.drop_column("link_token_id")
