"""Text backends: full-text matching over the services, each keeping to `contract.py`.

- `whoosh.py`: the Whoosh index in SEARCH_INDEX_DIR (one per server), with `whoosh_repair.py`,
  which checks and mends it at start-up;
- `postgresql.py`: PostgreSQL full-text search (one index in the database, for several servers);
- `database.py`: plain matching in the database, used while the Whoosh index cannot be read.
"""
