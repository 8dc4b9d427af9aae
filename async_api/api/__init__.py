"""The REST API: Pecan controllers and WSME types over the database.

Reads come from the database only; actions are accepted through
:func:`async_api.tasks.submit.submit`. The API never calls a conductor.
"""
