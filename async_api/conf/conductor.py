"""Options of the ``[async_api_conductor]`` group."""

from oslo_config import cfg

GROUP = 'async_api_conductor'

opts = [
    cfg.IntOpt('workers',
               default=128,
               min=1,
               help='Number of conductor threads in this process; each '
                    'claims and runs one job at a time. Sized for '
                    'hardware that takes seconds per call, where a run '
                    'mostly waits: an idle worker costs little memory '
                    '(see the benchmarks page of the admin guide), and '
                    'too few leave the hardware idle while tasks queue '
                    '(with 1 s BMC calls, 4 workers ran one power action '
                    'a second, 64 about 19 and 128 about 21 on two '
                    'cores). With calls of several seconds the actions a '
                    'second grow with the workers until the CPU is the '
                    'bound.'),
    cfg.IntOpt('busy_runs',
               default=1,
               min=0,
               help='Runs of this process that may compute at once; 0 for '
                    'no bound. In async-api-all the API\'s submissions '
                    'take the same turns. The workers share one '
                    'interpreter lock, so '
                    'runs that compute side by side do not end sooner, and '
                    'handing the lock back and forth costs CPU (on two '
                    'cores with the fake driver, no bound cost 1.12-1.15 '
                    'times the CPU a task of 1). A run whose step waits '
                    'longer than 5 ms (on hardware) stops counting, so runs '
                    'that wait still take as many workers as there are; '
                    'and the bound is '
                    'lifted while 16 or more jobs are waiting to be '
                    'claimed, so that conductors falling behind get their '
                    'share of the process. Raise it for runs that mostly '
                    'wait in short calls (many statements to a remote '
                    'database, say).'),
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
    cfg.FloatOpt('graceful_shutdown_timeout',
                 default=30.0,
                 min=0.0,
                 help='Seconds a stopping conductor service (SIGTERM or '
                      'SIGINT to async-api-conductor and async-api-all) '
                      'lets the steps running now end: it claims nothing '
                      'more, and each running task stops after its current '
                      'step and is left for another conductor, which '
                      'resumes it with the next step. Steps still running '
                      'after this long are abandoned (their threads left '
                      'behind, to run again elsewhere), the service '
                      'releases their jobs on the jobboard, so that other '
                      'conductors take them over at once, and exits.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
