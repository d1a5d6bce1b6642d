"""Schedules' attending_type is free text in Open Referral UK: no length limit

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.alter_column("attending_type", existing_type=sa.String(length=50), type_=sa.Text(),
                              existing_nullable=True)


def downgrade():
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.alter_column("attending_type", existing_type=sa.Text(), type_=sa.String(length=50),
                              existing_nullable=True)
