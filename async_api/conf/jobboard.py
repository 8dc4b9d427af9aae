"""Options of the ``[jobboard]`` group: where jobs are posted and claimed."""

from oslo_config import cfg

GROUP = 'jobboard'

opts = [
    cfg.StrOpt('backend',
               default='sqlalchemy',
               help='TaskFlow jobboard backend, by its taskflow.jobboards '
                    'entry point name. "sqlalchemy" is async_api\'s own '
                    'board on the database and needs no other server.'),
    cfg.StrOpt('connection',
               secret=True,
               help='Where the board lives. For the sqlalchemy board this '
                    'is a database URL and defaults to '
                    '[database]connection.'),
    cfg.StrOpt('board_name',
               default='async_api',
               help='Name of the board. Services that share one database or '
                    'one coordination server use different names.'),
    cfg.FloatOpt('claim_expiry',
                 default=30.0,
                 min=1.0,
                 help='Seconds a conductor\'s claim on a job lasts unless it '
                      'is renewed. A dead conductor\'s jobs become '
                      'claimable again after this long.'),
    cfg.FloatOpt('poll_interval',
                 default=0.5,
                 min=0.01,
                 help='Seconds between polls of a database board for new '
                      'jobs. Jobs posted in the same process wake waiting '
                      'conductors at once.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
