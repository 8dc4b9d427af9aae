"""The ``fake`` driver: simulated hardware whose faults a test can set.

Behaviour is set per node through ``node.driver_info``:

``fake_power_state``
    Power state of the simulated hardware before anything set it
    (``"off"`` unless given).
``fake_delay``
    Seconds each call sleeps, or a mapping of call name to seconds
    (``{"set_power_state": 5}``), to make a step slow or hang.
``fake_fail``
    Call names that raise :class:`~async_api.drivers.base.DriverError`
    (``["set_power_state"]``); ``validate``, ``get_power_state``,
    ``set_power_state`` and ``reboot`` are the call names.
``fake_fail_revert``
    ``true`` or a list of call names that fail only when called from a
    step's revert (inside :func:`~async_api.drivers.base.reverting`).
``fake_no_effect``
    ``true``: ``set_power_state`` and ``reboot`` succeed but the hardware
    never changes (a BMC that accepts and ignores requests).

The simulated power state lives in the node's row, in
``node.extra["fake_hardware_power"]``: every conductor reads the same
database, so a flow resumed on another conductor or host sees the
hardware as it was left, which a process-local dict or a file under
``state_path`` would not give a distributed deployment.
"""

import time

from async_api.db import nodes as db_nodes
from async_api.drivers import base

HARDWARE_KEY = 'fake_hardware_power'
CALLS = ('validate', 'get_power_state', 'set_power_state', 'reboot')


class FakePower(base.PowerInterface):
    """Power control of the simulated hardware."""

    def _call(self, node, name):
        info = node.driver_info or {}
        delay = info.get('fake_delay')
        if isinstance(delay, dict):
            delay = delay.get(name)
        if delay:
            time.sleep(float(delay))
        failing = info.get('fake_fail') or ()
        if name in failing:
            raise base.DriverError('Fake failure of %s on node %s'
                                   % (name, node.uuid))
        if base.in_revert():
            failing = info.get('fake_fail_revert')
            if failing is True or (isinstance(failing, list)
                                   and name in failing):
                raise base.DriverError('Fake failure of %s while reverting '
                                       'on node %s' % (name, node.uuid))

    @staticmethod
    def _hardware_state(node):
        # Read afresh: the row passed in may predate another step's change.
        current = db_nodes.get_node(node.uuid)
        extra = current.extra or {}
        if HARDWARE_KEY in extra:
            return extra[HARDWARE_KEY]
        return (current.driver_info or {}).get('fake_power_state',
                                               base.POWER_OFF)

    @staticmethod
    def _set_hardware_state(node, state):
        if (node.driver_info or {}).get('fake_no_effect'):
            return
        current = db_nodes.get_node(node.uuid)
        extra = dict(current.extra or {})
        extra[HARDWARE_KEY] = state
        db_nodes.update_node(node.uuid, {'extra': extra})

    def validate(self, node):
        self._call(node, 'validate')
        initial = (node.driver_info or {}).get('fake_power_state')
        if initial is not None and initial not in base.POWER_STATES:
            raise base.InvalidDriverInfo(
                'fake_power_state must be one of %s, not %r'
                % (', '.join(base.POWER_STATES), initial))

    def get_power_state(self, node):
        self._call(node, 'get_power_state')
        return self._hardware_state(node)

    def set_power_state(self, node, state):
        if state not in base.POWER_STATES:
            raise base.PowerStateError('Unknown power state %r' % state)
        self._call(node, 'set_power_state')
        self._set_hardware_state(node, state)

    def reboot(self, node):
        self._call(node, 'reboot')
        self._set_hardware_state(node, base.POWER_ON)


class FakeDriver(base.Driver):
    """A driver for tests and demos; no hardware is touched."""

    name = 'fake'

    def __init__(self):
        self.power = FakePower()
