"""PostgreSQL full-text search tables (SEARCH_BACKEND=postgresql)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 12:00:00

Only on PostgreSQL; on SQLite this revision does nothing (search there is Whoosh).

search_document: one row per public service, derived from the database by the search service
(portal/search/backends/postgresql.py), with a weighted tsvector and a GIN index on it.
search_word: the distinct unstemmed words of the directory, with a trigram index, for typo
correction and "did you mean".

These tables have no ORM models; migrations/env.py keeps autogenerate from dropping them.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _postgresql():
        return
    op.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    op.execute(sa.text("""
        CREATE TABLE search_document (
            service_id varchar(36) NOT NULL,
            name text NOT NULL,
            organisation text NOT NULL,
            needs text NOT NULL,
            body text NOT NULL,
            need_slugs text[] NOT NULL,
            document tsvector NOT NULL,
            modified timestamp without time zone NOT NULL,
            CONSTRAINT pk_search_document PRIMARY KEY (service_id),
            CONSTRAINT fk_search_document_service_id_service FOREIGN KEY (service_id)
                REFERENCES service (id) ON DELETE CASCADE
        )
    """))
    op.execute(sa.text("CREATE INDEX ix_search_document_document ON search_document USING gin (document)"))
    op.execute(sa.text("CREATE INDEX ix_search_document_need_slugs ON search_document USING gin (need_slugs)"))
    op.execute(sa.text("""
        CREATE TABLE search_word (
            word text NOT NULL,
            CONSTRAINT pk_search_word PRIMARY KEY (word)
        )
    """))
    op.execute(sa.text("CREATE INDEX ix_search_word_trigram ON search_word USING gin (word gin_trgm_ops)"))


def downgrade():
    if not _postgresql():
        return
    op.execute(sa.text("DROP TABLE IF EXISTS search_word"))
    op.execute(sa.text("DROP TABLE IF EXISTS search_document"))
    # pg_trgm stays: other things in the database may use it, and it holds no data.
