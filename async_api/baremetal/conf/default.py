"""Options of the ``[DEFAULT]`` group."""

import os
import socket

from oslo_config import cfg

opts = [
    cfg.StrOpt('state_path',
               default=os.path.join(os.getcwd(), '.async-api-state'),
               sample_default='$pwd/.async-api-state',
               help='Directory where async_api keeps its state: the '
                    'embedded SQLite database lives here unless '
                    '[database]connection says otherwise.'),
    cfg.StrOpt('host',
               default=socket.gethostname(),
               sample_default='localhost',
               help='Name of this host, as reported in task events and '
                    'used as the prefix of conductor names. Must be unique '
                    'across the deployment.'),
]


def register_opts(conf):
    conf.register_opts(opts)
