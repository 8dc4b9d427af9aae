"""TaskFlow persistence on async_api's database: durable and fast.

:class:`~async_api.persistence.backend.SQLBackend` is a TaskFlow
persistence backend (entry point ``asyncapi-sql`` in the
``taskflow.persistence`` namespace) on the ``flow_logbooks``,
``flow_details`` and ``flow_atom_details`` tables. See
``doc/source/admin/persistence.rst``.
"""

from async_api.persistence.backend import SQLBackend

__all__ = ['SQLBackend']
