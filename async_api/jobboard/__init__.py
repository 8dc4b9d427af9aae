"""A TaskFlow jobboard kept in a SQL database (SQLite, PostgreSQL, MySQL).

See :mod:`async_api.jobboard.board` and ``doc/source/admin/sql-jobboard.rst``.
"""
