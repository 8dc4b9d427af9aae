"""The ``fake`` driver: simulated hardware whose faults a test can set.

Behaviour is set per node through ``node.driver_info``:

``fake_power_state``
    Power state of the simulated hardware before anything set it
    (``"off"`` unless given).
``fake_delay``
    Seconds each BMC call sleeps, or a mapping of call name to seconds
    (``{"set_power_state": 5}``), to make a step slow or hang. A number
    does not slow ``validate``: the real drivers validate ``driver_info``
    without asking the BMC, so a fake power action, like theirs, makes
    two slow calls (the set and its verification); ``{"validate": 5}``
    still slows it.
``fake_fail``
    Call names that raise :class:`~.base.DriverError`
    (``["set_power_state"]``); ``validate``, ``get_power_state``,
    ``set_power_state``, ``reboot``, ``get_boot_device`` and
    ``set_boot_device`` are the call names.
``fake_transient``
    Call name to a count: the first that many calls raise
    :class:`~.base.TransientDriverError` (a flaky BMC
    that a retry gets through), ``{"set_power_state": 2}``.
``fake_boot_device``
    Boot device before anything set it (``"disk"`` unless given).
``fake_fail_revert``
    ``true`` or a list of call names that fail only when called from a
    step's revert (inside :func:`~async_api.baremetal.drivers.base.reverting`).
``fake_no_effect``
    ``true``: ``set_power_state`` and ``reboot`` succeed but the hardware
    never changes (a BMC that accepts and ignores requests).

The simulated power state and boot device live in the node's row, in
``node.extra["fake_hardware_power"]``: every conductor reads the same
database, so a flow resumed on another conductor or host sees the
hardware as it was left, which a process-local dict or a file under
``state_path`` would not give a distributed deployment.
"""

import time

from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.drivers import base

HARDWARE_KEY = 'fake_hardware_power'
BOOT_KEY = 'fake_hardware_boot'
TRANSIENT_KEY = 'fake_transient_failures'
CALLS = ('validate', 'get_power_state', 'set_power_state', 'reboot',
         'get_boot_device', 'set_boot_device')
#: The call that real drivers make without the BMC.
LOCAL_CALL = 'validate'


def _call(node, name):
    """Sleep and fail as the node's ``driver_info`` asks."""
    info = node.driver_info or {}
    delay = info.get('fake_delay')
    if isinstance(delay, dict):
        delay = delay.get(name)
    elif name == LOCAL_CALL:
        delay = None
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
    transient = (info.get('fake_transient') or {}).get(name)
    if transient:
        # Counted in the row, so that a retry on any conductor sees it.
        extra = dict(db_nodes.get_node(node.uuid).extra or {})
        counts = dict(extra.get(TRANSIENT_KEY) or {})
        if counts.get(name, 0) < int(transient):
            counts[name] = counts.get(name, 0) + 1
            extra[TRANSIENT_KEY] = counts
            db_nodes.update_node(node.uuid, {'extra': extra})
            raise base.TransientDriverError(
                'Fake transient failure %d of %s on node %s'
                % (counts[name], name, node.uuid))


class FakePower(base.PowerInterface):
    """Power control of the simulated hardware."""

    def _call(self, node, name):
        _call(node, name)

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


class FakeManagement(base.ManagementInterface):
    """Boot device of the simulated hardware."""

    def validate(self, node):
        _call(node, 'validate')
        initial = (node.driver_info or {}).get('fake_boot_device')
        if initial is not None and initial not in base.BOOT_DEVICES:
            raise base.InvalidDriverInfo(
                'fake_boot_device must be one of %s, not %r'
                % (', '.join(base.BOOT_DEVICES), initial))

    def get_boot_device(self, node):
        _call(node, 'get_boot_device')
        current = db_nodes.get_node(node.uuid)
        found = (current.extra or {}).get(BOOT_KEY)
        if found is None:
            found = {'boot_device': (current.driver_info or {}).get(
                'fake_boot_device', base.BOOT_DISK), 'persistent': True}
        return dict(found)

    def set_boot_device(self, node, device, persistent=False):
        if device not in base.BOOT_DEVICES:
            raise base.BootDeviceError('Unknown boot device %r' % device)
        _call(node, 'set_boot_device')
        if (node.driver_info or {}).get('fake_no_effect'):
            return
        current = db_nodes.get_node(node.uuid)
        extra = dict(current.extra or {})
        extra[BOOT_KEY] = {'boot_device': device,
                           'persistent': bool(persistent)}
        db_nodes.update_node(node.uuid, {'extra': extra})


class FakeDriver(base.Driver):
    """A driver for tests and demos; no hardware is touched."""

    name = 'fake'
    # The state it simulates (fake_power_state, fake_boot_device) is not
    # a debugging field: it hangs or fails nothing.
    debug_fields = ('fake_delay', 'fake_fail', 'fake_transient',
                    'fake_fail_revert', 'fake_no_effect')

    def __init__(self):
        self.power = FakePower()
        self.management = FakeManagement()
