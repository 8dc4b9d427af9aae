"""Options of the ``[async_api_persistence]`` group: where flow progress
is saved."""

from oslo_config import cfg

GROUP = 'async_api_persistence'

opts = [
    cfg.StrOpt('backend',
               default='asyncapi-sql',
               help='TaskFlow persistence backend, by its '
                    'taskflow.persistence entry point name.'),
    cfg.StrOpt('connection',
               secret=True,
               help='Database URL for flow progress; defaults to '
                    '[database]connection.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
