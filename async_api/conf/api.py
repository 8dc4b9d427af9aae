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
    cfg.IntOpt('max_limit',
               default=1000,
               min=1,
               help='The most items a collection returns in one page, '
                    'whatever limit the client asks for.'),
    cfg.StrOpt('auth_strategy',
               default='noauth',
               choices=[('noauth', 'No authentication: the project and '
                                   'user are taken from the X-Project-Id '
                                   'and X-User-Id headers when present.')],
               help='How API requests are authenticated.'),
    cfg.URIOpt('public_endpoint',
               help='Public URL of the API, used in links and Location '
                    'headers (for example https://api.example.com/async). '
                    'Needed behind a proxy that changes the host or path; '
                    'by default the URL of the request is used.'),
    cfg.IntOpt('wait_max',
               default=30,
               min=0,
               help='The most seconds a request with "Prefer: wait=N" '
                    'waits for its task to finish before it is answered '
                    '202 Accepted.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
