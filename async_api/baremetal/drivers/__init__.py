"""Hardware drivers: what the flows call to act on a node.

Drivers are found by name through the ``async_api.drivers`` entry point
namespace (see :func:`async_api.baremetal.drivers.base.get_driver`).
"""
