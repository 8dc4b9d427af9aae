"""The library's configuration options, one module per option group.

Nothing is registered at import: a service hands its own ``ConfigOpts``
to :func:`register_opts`. Every group is named ``async_api_*`` so that
none collides with a host service's own (``[api]``, ``[conductor]``,
``[database]`` and ``[DEFAULT]`` belong to the host).
"""

from oslo_config import cfg

from async_api.conf import api
from async_api.conf import conductor
from async_api.conf import database
from async_api.conf import idempotency
from async_api.conf import jobboard
from async_api.conf import lanes
from async_api.conf import notifications
from async_api.conf import persistence
from async_api.conf import retention

#: The process-wide ``ConfigOpts``, for the commands and the tests; the
#: library itself reads whichever ``ConfigOpts`` it is handed.
CONF = cfg.CONF

#: Option group modules, each with ``GROUP``, ``opts`` and
#: ``register_opts(conf)``.
MODULES = (api, conductor, database, idempotency, jobboard, lanes,
           persistence, retention, notifications)


def register_opts(conf):
    """Register the library's options on ``conf``; safe to call again."""
    for module in MODULES:
        module.register_opts(conf)
