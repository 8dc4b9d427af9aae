"""Database layer: models, sessions and migrations.

Nothing in this package imports from the rest of async_api except
``async_api.conf``.
"""
