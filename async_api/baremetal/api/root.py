"""``GET /`` (version discovery) and ``GET /healthcheck``."""

from oslo_log import log
import pecan
from pecan import rest
import sqlalchemy as sa

import async_api
from async_api.baremetal.api import v1

LOG = log.getLogger(__name__)


def _v1_version():
    return {'id': 'v1', 'status': 'CURRENT',
            'links': [async_api.links.make('self', 'v1')]}


class HealthcheckController(rest.RestController):
    """For load balancers: 200 while the database answers, else 503."""

    @pecan.expose('json')
    def get_all(self):
        try:
            with async_api.database().reader.using() as session:
                session.execute(sa.text('SELECT 1'))
        except Exception:
            LOG.warning('Healthcheck: the database cannot be reached',
                        exc_info=True)
            raise async_api.exception.ServiceUnavailable(
                'The database cannot be reached')
        return {'status': 'ok'}


class RootController:
    """The root of the API.

    A plain Pecan controller, not a REST one: an unknown path below it is
    a 404, where a RestController would answer 405.
    """

    v1 = v1.V1Controller()
    healthcheck = HealthcheckController()

    @pecan.expose(generic=True, template='json')
    def index(self):
        pecan.abort(405)

    @index.when(method='GET', template='json')
    def index_get(self):
        """The API versions, with async_api.links."""
        version = _v1_version()
        return {'versions': [version], 'default_version': version}
