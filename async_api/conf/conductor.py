"""Options of the ``[conductor]`` group."""

from oslo_config import cfg

GROUP = 'conductor'

opts = [
    cfg.IntOpt('workers',
               default=4,
               min=1,
               help='Number of conductor threads in this process; each '
                    'claims and runs one job at a time.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
