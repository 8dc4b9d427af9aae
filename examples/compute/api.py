"""The compute service's REST API: its own Pecan root, version 2.

::

    GET  /                                  versions
    GET  /v2/servers, /v2/servers/{id}      servers (read from the table)
    POST /v2/servers                        create one: 201, synchronous
    POST /v2/servers/{id}/action/{action}   live_migrate, reboot: 202
    GET  /v2/servers/{id}/tasks             the server's task history
    GET  /v2/tasks[/{id}[/events]]          the library's task collection

Only the actions are asynchronous; creating a server here is a row in
the table, answered at once.
"""

import pecan
from pecan import rest
from wsme import types as wtypes

import async_api
from compute import conf as compute_conf
from compute import db
from compute import operations


# [start-types]
class Server(wtypes.Base):
    uuid = wtypes.text
    name = wtypes.text
    status = wtypes.text
    host = wtypes.text
    links = [async_api.api_types.Link]

    @classmethod
    def from_row(cls, row):
        return cls(uuid=row.uuid, name=row.name, status=row.status,
                   host=row.host, links=async_api.api_types.links(
                       async_api.links.self_link('v2', 'servers', row.uuid)))


class ServerCollection(async_api.Collection):
    servers = [Server]


@async_api.api_types.json_object
class ServerPost(wtypes.Base):
    name = wtypes.wsattr(wtypes.StringType(min_length=1, max_length=255),
                         mandatory=True)
    host = wtypes.wsattr(wtypes.text)
# [end-types]


def _project_id():
    return pecan.request.context.project_id


# [start-servers]
#: Action name in the URL -> operation.
ACTIONS = {'live_migrate': operations.LIVE_MIGRATE.name,
           'reboot': operations.REBOOT.name}


class ServersController(rest.RestController):

    @async_api.expose(ServerCollection)
    def get_all(self):
        return ServerCollection(servers=[
            Server.from_row(row)
            for row in db.list_servers(project_id=_project_id())])

    @async_api.expose(Server, wtypes.text)
    def get_one(self, server_uuid):
        return Server.from_row(db.get_server(server_uuid, _project_id()))

    @async_api.expose(Server, body=ServerPost, status_code=201)
    def post(self, body):
        hosts = compute_conf.CONF.compute.hosts
        host = body.host or hosts[0]
        if host not in hosts:
            raise async_api.exception.InvalidParameter(
                'host must be one of %s' % ', '.join(hosts))
        row = db.create_server({'name': body.name, 'host': host,
                                'status': 'ACTIVE',
                                'project_id': _project_id()})
        pecan.response.location = async_api.links.url(
            'v2', 'servers', row.uuid)
        return Server.from_row(row)

    @pecan.expose()
    def _lookup(self, server_uuid, *remainder):
        # /v2/servers/{id}/action/{action} and /v2/servers/{id}/tasks;
        # an unknown server is a 404 server_not_found on both.
        if remainder[:1] == ('action',) and remainder[1:2]:
            operation = ACTIONS.get(remainder[1])
            if operation is None:
                return None  # Pecan's 404
            server = db.get_server(server_uuid, _project_id())
            return (async_api.ActionController(operation, server.uuid),
                    remainder[2:])
        if remainder[:1] == ('tasks',):
            server = db.get_server(server_uuid, _project_id())
            return (async_api.ResourceTasksController(
                operations.RESOURCE_TYPE, server.uuid,
                ('v2', 'servers', server.uuid, 'tasks')), remainder[1:])
        return None
# [end-servers]


# [start-root]
class V2Controller:
    servers = ServersController()
    # The library's task collection, mounted where this API wants it.
    tasks = async_api.TasksController()

    @pecan.expose(generic=True, template='json')
    def index(self):
        pecan.abort(405)

    @index.when(method='GET', template='json')
    def index_get(self):
        return {'id': 'v2', 'status': 'CURRENT',
                'links': [async_api.links.make('self', 'v2')]}


class RootController:

    v2 = V2Controller()

    @pecan.expose(generic=True, template='json')
    def index(self):
        pecan.abort(405)

    @index.when(method='GET', template='json')
    def index_get(self):
        version = {'id': 'v2', 'status': 'CURRENT',
                   'links': [async_api.links.make('self', 'v2')]}
        return {'versions': [version], 'default_version': version}


def setup_app(conf):
    """The WSGI app: the root, the library's hooks and middlewares."""
    # Actions answer with a Location under /v2/tasks, not /v1/tasks.
    async_api.set_tasks_path('v2/tasks')
    app = pecan.make_app(RootController(),
                         hooks=async_api.make_hooks(conf),
                         **async_api.PECAN_CONFIG)
    # One administrator, whatever the headers say; a service for a
    # network picks http_basic or keystone (see async_api.Authentication).
    return async_api.wrap_app(app, conf,
                              auth=async_api.Authentication('noauth'))
# [end-root]
