"""Options of the ``[api]`` group: the REST API service."""

from oslo_config import cfg

GROUP = 'api'

opts = [
    cfg.HostAddressOpt('host_ip',
                       default='127.0.0.1',
                       help='Address the API service listens on. The '
                            'default keeps a fresh install off the '
                            'network; use 0.0.0.0 to listen everywhere.'),
    cfg.PortOpt('port',
                default=6386,
                help='Port the API service listens on.'),
    cfg.IntOpt('workers',
               default=2,
               min=1,
               help='Processes of async-api-api (gunicorn workers). '
                    'async-api-all serves from its one process.'),
    cfg.IntOpt('threads',
               default=8,
               min=1,
               help='Threads that run requests, in each process that '
                    'serves the API. Connections beyond them wait, '
                    'kept alive, without a thread of their own.'),
    cfg.IntOpt('client_timeout',
               default=10,
               min=1,
               help='Seconds a client may stay silent in the middle of a '
                    'request (headers or body) or between two requests '
                    'on a kept-alive connection before the server closes '
                    'it, so that a slow or stalled client holds no '
                    'thread for long.'),
    cfg.StrOpt('auth_strategy',
               default='noauth',
               choices=[('noauth', 'No authentication: every request acts '
                                   'as one administrator (user "admin", '
                                   'roles admin, member and reader, system '
                                   'scope "all"), whatever its headers '
                                   'say. Only for an API that nobody but '
                                   'its operator can reach.'),
                        ('http_basic', 'HTTP Basic authentication against '
                                       'the htpasswd file of '
                                       'http_basic_auth_user_file.'),
                        ('keystone', 'Keystone tokens, checked by '
                                     'keystonemiddleware\'s auth_token as '
                                     'configured in [keystone_authtoken].')],
               help='How API requests are authenticated. The version '
                    'document (GET /) and GET /healthcheck need no '
                    'credentials.'),
    cfg.StrOpt('http_basic_auth_user_file',
               default='/etc/async-api/htpasswd',
               help='The htpasswd file of the http_basic strategy: one '
                    '"user:hash" line per user, bcrypt hashes only '
                    '(htpasswd -B). Read at every request, so users can '
                    'be added without a restart; the service does not '
                    'start if it cannot read it.'),
    cfg.DictOpt('http_basic_projects',
                default={},
                help='Projects of http_basic users, as user:project_id '
                     'pairs. A user named here acts in that project only, '
                     'with the roles member and reader; a user of the '
                     'htpasswd file not named here is an administrator '
                     '(roles admin, member and reader, system scope '
                     '"all").'),
    cfg.IntOpt('max_concurrent_writes',
               default=4,
               min=1,
               help='Requests that change something (those that submit '
                    'tasks among them) async-api-all handles at once; '
                    'more wait their turn. Reads, and requests that wait '
                    'for a task (Prefer: wait), are not counted. The '
                    'conductors share that process, and its interpreter '
                    'lock, with the API: with no bound, 32 clients that '
                    'kept submitting took nearly all of it and tasks '
                    'completed at a tenth of the unloaded rate. '
                    'async-api-api, with no conductors, handles one at a '
                    'time per worker process on SQLite (one writer at a '
                    'time; threads waiting on its lock sleep in steps of '
                    'up to 100 ms) and does not bound them on other '
                    'databases.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
