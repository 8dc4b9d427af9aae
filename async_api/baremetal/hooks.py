"""The bare-metal service's resource hooks (see :mod:`async_api.resources`).

:func:`register` is called by every process of the service before it
accepts or runs a task: the API (its app factory) and the conductor
(its commands).
"""

import async_api
from async_api.baremetal.db import nodes as db_nodes

RESOURCE_TYPE = 'node'


def mark_node_error(node_uuid, message):
    """A revert failed: the node needs an operator (``sync_state`` error)."""
    db_nodes.update_node(node_uuid, {'sync_state': 'error',
                                     'last_error': message})


def register():
    """Register the ``node`` resource type's hooks."""
    async_api.register_resource_type(async_api.ResourceType(
        RESOURCE_TYPE, mark_error=mark_node_error))
