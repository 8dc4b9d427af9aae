"""The compute service's options, beside the library's.

The service owns ``[DEFAULT]``, ``[api]``, ``[database]`` and its own
``[compute]``; the library's groups are all ``async_api_*``, so the two
never collide.
"""

import os
import socket

from oslo_config import cfg
from oslo_db import options as db_options

import async_api

#: The process-wide ``ConfigOpts`` (flow steps read ``[compute]`` here).
CONF = cfg.CONF

# [start-opts]
default_opts = [
    cfg.StrOpt('state_path',
               default=os.path.join(os.getcwd(), '.compute-state'),
               help='Directory of the default SQLite database.'),
    cfg.StrOpt('host',
               default=socket.gethostname(),
               help='Name of this process\'s host: the prefix of its '
                    'conductors\' names, written on task events.'),
]

api_opts = [
    cfg.HostAddressOpt('host_ip', default='127.0.0.1',
                       help='Address the API listens on.'),
    cfg.PortOpt('port', default=8774, help='Port the API listens on.'),
]

compute_opts = [
    cfg.ListOpt('hosts', default=['compute-1', 'compute-2', 'compute-3'],
                help='The hypervisors servers may run on.'),
    cfg.ListOpt('disabled_hosts', default=[],
                help='Hypervisors no server may migrate to.'),
    cfg.IntOpt('host_capacity', default=10, min=1,
               help='The most servers one hypervisor runs.'),
    cfg.ListOpt('broken_hosts', default=[],
                help='Hypervisors where every migration transfer fails '
                     '(to try out reverts).'),
    cfg.FloatOpt('step_seconds', default=0.5, min=0.0,
                 help='Seconds a simulated migration transfer or reboot '
                      'takes.'),
]
# [end-opts]


# [start-register]
def register_opts(conf):
    """Register the library's options and the service's; safe again."""
    async_api.register_opts(conf)
    conf.register_opts(default_opts)
    conf.register_opts(api_opts, group='api')
    conf.register_opts(compute_opts, group='compute')
    # oslo.db's [database]: one SQLite file by default, which the
    # library's tables share (async_api.setup_database reads it too).
    db_options.set_defaults(
        conf, connection='sqlite:///$state_path/compute.sqlite')
# [end-register]
