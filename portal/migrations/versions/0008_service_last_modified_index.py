"""An index on service.last_modified: each process looks for services changed by others every few
seconds, and the newest change is read on every start; without it both read the whole table.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index("ix_service_last_modified", ["last_modified"], unique=False)


def downgrade():
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index("ix_service_last_modified")
