"""Options of the ``[hardware]`` group: BMC access and periodic sync."""

from oslo_config import cfg

GROUP = 'hardware'

opts = [
    cfg.FloatOpt('bmc_timeout',
                 default=10.0,
                 min=0.1,
                 help='Seconds one call to a BMC (IPMI or Redfish) may '
                      'take, waiting for a concurrency slot included, '
                      'before it fails with bmc_timeout.'),
    cfg.IntOpt('bmc_retries',
               default=3,
               min=0,
               help='Times a flow step retries a BMC call that failed '
                    'transiently (timeout, busy, connection error) before '
                    'the step fails.'),
    cfg.FloatOpt('bmc_retry_delay',
                 default=1.0,
                 min=0.0,
                 help='Seconds before the first retry of a BMC call; '
                      'doubled after each further failure.'),
    cfg.FloatOpt('step_timeout',
                 default=300.0,
                 min=0.1,
                 help='Seconds a hardware step of a node operation '
                      '(setting the power state, the boot device...) may '
                      'run, driver calls, waits and its retries of '
                      'transient BMC errors included. Past it the step is '
                      'abandoned (a driver call that never returns is left '
                      'on its thread), fails with step_timeout and the '
                      'operation reverts, so that the conductor worker is '
                      'free again. Keep it above bmc_timeout and the '
                      'verify waits, with room for the retries.'),
    cfg.IntOpt('max_concurrent_per_bmc',
               default=2,
               min=1,
               help='BMC calls one conductor process makes to the same '
                    'BMC address at a time. Further calls wait for a '
                    'slot (up to bmc_timeout): many requests must not '
                    'overwhelm a fragile BMC.'),
    cfg.BoolOpt('periodic_enabled',
                default=True,
                help='Run the conductor periodic tasks (power-state sync, '
                     'validation, idempotency key purge).'),
    cfg.IntOpt('power_sync_interval',
               default=60,
               min=0,
               help='Seconds between power-state sync sweeps; 0 disables '
                    'them.'),
    cfg.IntOpt('validate_interval',
               default=300,
               min=0,
               help='Seconds between sweeps that validate every node\'s '
                    'driver and store the result served by GET '
                    '/v1/nodes/{id}/validate; 0 disables them.'),
    cfg.IntOpt('sync_workers',
               default=2,
               min=1,
               help='Threads of the periodic tasks\' own pool. It is '
                    'separate from the conductors\' executor, so a sweep '
                    'never takes a thread a task needs.'),
    cfg.IntOpt('conductor_liveness',
               default=60,
               min=2,
               help='Seconds after its last heartbeat a conductor counts '
                    'as alive when sweeps are divided among conductors.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
