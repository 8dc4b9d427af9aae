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
    cfg.StrOpt('auth_strategy',
               default='noauth',
               choices=[('noauth', 'No authentication: the project and '
                                   'user are taken from the X-Project-Id '
                                   'and X-User-Id headers when present.')],
               help='How API requests are authenticated.'),
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
                    'completed at a tenth of the unloaded rate. async-api '
                    'alone, with no conductors, does not bound them.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
