"""The bare-metal service's own errors, below the library's
(:mod:`async_api.common.exception`)::

    NotFound
    └── NodeNotFound        404 node_not_found
    Conflict
    ├── DuplicateName       409 duplicate_name
    ├── AmbiguousNodeName   409 ambiguous_node_name
    ├── NodeExists          409 node_exists
    └── NodeHasActiveTasks  409 node_has_active_tasks
"""

import async_api


class NodeNotFound(async_api.exception.NotFound):
    code = 'node_not_found'
    title = 'Node not found'


class DuplicateName(async_api.exception.Conflict):
    code = 'duplicate_name'
    title = 'Duplicate name'


class AmbiguousNodeName(async_api.exception.Conflict):
    """A name several projects' nodes have, looked up across projects."""

    code = 'ambiguous_node_name'
    title = 'Ambiguous node name'


class NodeExists(async_api.exception.Conflict):
    code = 'node_exists'
    title = 'Node exists'


class NodeHasActiveTasks(async_api.exception.Conflict):
    code = 'node_has_active_tasks'
    title = 'Node has active tasks'
