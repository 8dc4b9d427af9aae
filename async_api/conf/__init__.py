"""Configuration: one module per option group, registered here once.

Import ``CONF`` from this package; never register options at import time
elsewhere.
"""

from oslo_config import cfg

from async_api.conf import database
from async_api.conf import default

CONF = cfg.CONF

default.register_opts(CONF)
database.register_opts(CONF)
