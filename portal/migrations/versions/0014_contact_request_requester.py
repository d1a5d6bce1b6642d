"""Each contact request records who filled in the form: a young person for themselves, a parent or
carer, or a practitioner with the family's consent. A category, not personal data: the details
themselves stay in the encrypted payload. Requests made before this revision have none.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contact_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requester", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("contact_request", schema=None) as batch_op:
        batch_op.drop_column("requester")
