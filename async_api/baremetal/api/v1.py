"""``GET /v1``: links to the resources of version 1."""

import pecan

from async_api.baremetal.api import nodes
from async_api.api.controllers import tasks
from async_api.api import links


class V1Controller:
    """Version 1 of the API (a plain controller, like the root)."""

    nodes = nodes.NodesController()
    tasks = tasks.TasksController()

    @pecan.expose(generic=True, template='json')
    def index(self):
        pecan.abort(405)

    @index.when(method='GET', template='json')
    def index_get(self):
        """The version and links to its resource collections."""
        return {
            'id': 'v1',
            'status': 'CURRENT',
            'links': [links.make('self', 'v1')],
            'nodes': [links.make('self', 'v1', 'nodes')],
            'tasks': [links.make('self', 'v1', 'tasks')],
        }
