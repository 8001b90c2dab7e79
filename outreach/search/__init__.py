"""Search across cables, demarches and what posts reported.

PostgreSQL matches stored tsvector columns through GIN indexes and ranks with ts_rank, snippets from
ts_headline; SQLite matches each word case-insensitively in the same fields. Access is the pages' own:
see kinds.py.
"""
