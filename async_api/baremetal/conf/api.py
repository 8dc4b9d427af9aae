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
               choices=[('noauth', 'No authentication: the project and '
                                   'user are taken from the X-Project-Id '
                                   'and X-User-Id headers when present.')],
               help='How API requests are authenticated.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
