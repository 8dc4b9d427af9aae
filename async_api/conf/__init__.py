"""Configuration: one module per option group, registered here once.

Import ``CONF`` from this package; never register options at import time
elsewhere.
"""

from oslo_config import cfg

from async_api.conf import api
from async_api.conf import conductor
from async_api.conf import database
from async_api.conf import default
from async_api.conf import hardware
from async_api.conf import idempotency
from async_api.conf import jobboard
from async_api.conf import lanes
from async_api.conf import persistence

CONF = cfg.CONF

api.register_opts(CONF)
conductor.register_opts(CONF)
default.register_opts(CONF)
hardware.register_opts(CONF)
idempotency.register_opts(CONF)
database.register_opts(CONF)
jobboard.register_opts(CONF)
lanes.register_opts(CONF)
persistence.register_opts(CONF)
