"""Options of the ``[async_api_conductor]`` group."""

from oslo_config import cfg

GROUP = 'async_api_conductor'

opts = [
    cfg.IntOpt('workers',
               default=4,
               min=1,
               help='Number of conductor threads in this process; each '
                    'claims and runs one job at a time.'),
    cfg.StrOpt('engine',
               default='serial',
               choices=[('serial', 'Run the steps of a flow one at a time '
                                   'in the conductor thread.'),
                        ('parallel', 'Run independent steps of a graph flow '
                                     'at the same time, on a thread pool '
                                     'shared by the conductors.')],
               help='TaskFlow engine that runs each task\'s flow. Both run '
                    'graph flows correctly and revert the same way; the '
                    'serial engine costs less per step (no thread hand-off), '
                    'so it is faster for flows whose steps depend on each '
                    'other, which is most. Choose parallel when flows have '
                    'independent slow steps (waits on hardware) worth '
                    'overlapping.'),
    cfg.FloatOpt('cancel_poll_interval',
                 default=2.0,
                 min=0,
                 help='Seconds between two checks (one database read for '
                      'all the tasks this process runs) for cancel '
                      'requests made in other processes, so that a step '
                      'that waits and calls async_api.check_cancel() can '
                      'give up early. Steps about to start always see a '
                      'cancel, whatever this is; 0 disables the check.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
