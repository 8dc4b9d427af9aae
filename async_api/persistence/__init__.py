"""TaskFlow persistence on async_api's database: durable and fast.

:class:`~async_api.persistence.backend.SQLBackend` is a TaskFlow
persistence backend (entry point ``asyncapi-sql`` in the
``taskflow.persistence`` namespace) on the ``async_api_flow_logbooks``,
``async_api_flow_details`` and ``async_api_flow_atom_details`` tables. See
``doc/source/admin/persistence.rst``.
"""

from async_api.persistence.backend import SQLBackend

__all__ = ['SQLBackend']
