"""Options of the ``[async_api_database]`` group: where the library's
tables are.

By default the library shares the host service's database: its tables
carry the ``async_api_`` prefix and its migrations keep their own version
table, so they live beside the host's (see
doc/source/user/library.rst). Set ``connection`` to keep them apart.
"""

from oslo_config import cfg

GROUP = 'async_api_database'

opts = [
    cfg.StrOpt('connection',
               secret=True,
               help='Database URL of the library\'s tables (tasks, '
                    'events, lanes, idempotency keys, the SQL jobboard '
                    'and flow progress). By default the host service\'s '
                    '[database]connection.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
