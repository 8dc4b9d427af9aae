"""The bare-metal service's configuration: its own option groups beside
the library's.

:func:`register_opts` registers both on a ``ConfigOpts``; the commands
call it on the global ``CONF`` before parsing the command line.
"""

from oslo_config import cfg

import async_api
from async_api.baremetal.conf import api
from async_api.baremetal.conf import database
from async_api.baremetal.conf import default
from async_api.baremetal.conf import hardware

CONF = cfg.CONF

#: The service's own option group modules.
MODULES = (api, default, hardware)


def register_opts(conf):
    """Register the service's and the library's options; safe again."""
    async_api.register_opts(conf)
    for module in MODULES:
        module.register_opts(conf)
    database.register_opts(conf)
