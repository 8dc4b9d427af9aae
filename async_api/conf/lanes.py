"""Options of the ``[async_api_lanes]`` group: ordered per-resource execution.

Every resource has one lane: its tasks run one at a time, in the order
they were accepted (see doc/source/user/ordering.rst).
"""

from oslo_config import cfg

GROUP = 'async_api_lanes'

opts = [
    cfg.IntOpt('max_queued_per_resource',
               default=100,
               min=0,
               help='The most unfinished tasks (queued, pending or '
                    'running) one resource may have. A request beyond it '
                    'is answered 409 resource_queue_full. 0 means no '
                    'limit.'),
    cfg.FloatOpt('reconcile_interval',
                 default=10.0,
                 min=0.1,
                 help='Seconds between two passes of each conductor\'s '
                      'reconciler, which posts again the tasks whose job '
                      'is missing from the jobboard and promotes the heads '
                      'of lanes that were never promoted.'),
    cfg.FloatOpt('repost_after',
                 default=30.0,
                 min=0.1,
                 help='Seconds a task may go without a job on the board, '
                      'counted from its last posting, before the '
                      'reconciler posts it again. Keep it well above the '
                      'time a post takes, or a slow post and the '
                      'reconciler both post (the conductor then drops the '
                      'duplicate unrun).'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
