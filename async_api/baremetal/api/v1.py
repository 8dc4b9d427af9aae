"""``GET /v1``: links to the resources of version 1."""

import pecan

import async_api
from async_api.baremetal.api import nodes
from async_api.baremetal.api import openapi


class V1Controller:
    """Version 1 of the API (a plain controller, like the root)."""

    nodes = nodes.NodesController()
    tasks = async_api.TasksController()

    @pecan.expose(generic=True, template='json')
    def index(self):
        pecan.abort(405)

    @index.when(method='GET', template='json')
    def index_get(self):
        """The version and links to its resource collections."""
        return {
            'id': 'v1',
            'status': 'CURRENT',
            'links': [async_api.links.make('self', 'v1')],
            'nodes': [async_api.links.make('self', 'v1', 'nodes')],
            'tasks': [async_api.links.make('self', 'v1', 'tasks')],
        }


# A dot is not valid in a Python name: the document is routed by hand.
pecan.route(V1Controller, 'openapi.json', openapi.controller)
