"""Every option group, for oslo-config-generator.

Exposed through the ``oslo.config.opts`` entry point as
``async_api = async_api.conf.opts:list_opts``. Add a group here when a new
``async_api/conf/<group>.py`` module is added.
"""

from async_api.conf import api
from async_api.conf import conductor
from async_api.conf import default
from async_api.conf import hardware
from async_api.conf import idempotency
from async_api.conf import jobboard
from async_api.conf import lanes
from async_api.conf import persistence

_MODULES = {
    'DEFAULT': default,
    api.GROUP: api,
    conductor.GROUP: conductor,
    hardware.GROUP: hardware,
    idempotency.GROUP: idempotency,
    jobboard.GROUP: jobboard,
    lanes.GROUP: lanes,
    persistence.GROUP: persistence,
}


def list_opts():
    """Return ``[(group, [opt, ...]), ...]`` for the sample config."""
    return [(group, list(module.opts)) for group, module in _MODULES.items()]
