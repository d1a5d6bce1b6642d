"""Loading the seed data in directory_data/ into the database (`flask --app wsgi portal load-data`).

Every source is read and checked before anything is written; the whole load is one transaction;
records have stable ids, so re-running it changes nothing.
"""
