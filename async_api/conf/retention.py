"""Options of the ``[async_api_retention]`` group: how long tasks are kept.

Finished tasks, their step events and their flow logbooks are deleted
once they are older than ``task_ttl_days``, by the conductors' periodic
purge or by ``async-api-dbsync purge-tasks`` (see
doc/source/admin/retention.rst).
"""

from oslo_config import cfg

GROUP = 'async_api_retention'

opts = [
    cfg.FloatOpt('task_ttl_days',
                 default=30.0,
                 min=0,
                 help='Days a finished task (succeeded, failed, cancelled '
                      'or error) is kept after it finished, with its step '
                      'events and its flow logbook; the conductors\' '
                      'periodic purge deletes older ones. 0 keeps them '
                      'forever (no periodic purge). Unfinished tasks are '
                      'never purged.'),
    cfg.IntOpt('purge_interval',
               default=3600,
               min=0,
               help='Seconds between two periodic purges of finished '
                    'tasks on each conductor service. 0 disables the '
                    'periodic purge (async-api-dbsync purge-tasks still '
                    'works).'),
    cfg.IntOpt('purge_batch_size',
               default=500,
               min=1,
               help='Tasks deleted per transaction by a purge. Each batch '
                    'is its own short transaction, so a purge never holds '
                    'locks for long; smaller batches hold them shorter.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
