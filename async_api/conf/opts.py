"""The library's options, for oslo-config-generator.

Exposed through the ``oslo.config.opts`` entry point as
``async_api = async_api.conf.opts:list_opts``.
"""

from async_api import conf


def list_opts():
    """Return ``[(group, [opt, ...]), ...]`` for the sample config."""
    return [(module.GROUP, list(module.opts)) for module in conf.MODULES]
