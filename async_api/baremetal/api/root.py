"""``GET /``: version discovery.

``GET /healthcheck`` is the library's (:func:`async_api.wrap_app`).
"""

import pecan

import async_api
from async_api.baremetal.api import v1


def _v1_version():
    return {'id': 'v1', 'status': 'CURRENT',
            'links': [async_api.links.make('self', 'v1')]}


class RootController:
    """The root of the API.

    A plain Pecan controller, not a REST one: an unknown path below it is
    a 404, where a RestController would answer 405.
    """

    v1 = v1.V1Controller()

    @pecan.expose(generic=True, template='json')
    def index(self):
        pecan.abort(405)

    @index.when(method='GET', template='json')
    def index_get(self):
        """The API versions, with async_api.links."""
        version = _v1_version()
        return {'versions': [version], 'default_version': version}
