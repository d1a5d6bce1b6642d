"""Signed-in sessions kept on the server (signing out ends them), and sign-in failures counted per
account and client address (a stranger's failures cannot lock the owner out).

Revision ID: 0012
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account_session",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_account_session_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_account_session")),
    )
    op.create_index(op.f("ix_account_session_user_id"), "account_session", ["user_id"], unique=False)
    op.create_table(
        "sign_in_lock",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_sign_in_lock_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_sign_in_lock")),
    )
    op.create_index(op.f("ix_sign_in_lock_user_id"), "sign_in_lock", ["user_id"], unique=False)
    op.create_index(op.f("ix_sign_in_lock_updated_at"), "sign_in_lock", ["updated_at"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_sign_in_lock_updated_at"), table_name="sign_in_lock")
    op.drop_index(op.f("ix_sign_in_lock_user_id"), table_name="sign_in_lock")
    op.drop_table("sign_in_lock")
    op.drop_index(op.f("ix_account_session_user_id"), table_name="account_session")
    op.drop_table("account_session")
