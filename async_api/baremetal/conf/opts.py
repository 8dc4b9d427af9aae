"""The bare-metal service's own options, for oslo-config-generator.

Exposed through the ``oslo.config.opts`` entry point as
``async_api.baremetal = async_api.baremetal.conf.opts:list_opts``; the
library's options are listed under ``async_api``.
"""

from async_api.baremetal.conf import api
from async_api.baremetal.conf import default
from async_api.baremetal.conf import hardware


def list_opts():
    """Return ``[(group, [opt, ...]), ...]`` for the sample config."""
    return [('DEFAULT', list(default.opts)),
            (api.GROUP, list(api.opts)),
            (hardware.GROUP, list(hardware.opts))]
