"""The driver interface and its loader.

A driver is an object with a ``power`` attribute implementing
:class:`PowerInterface` and a ``management`` attribute implementing
:class:`ManagementInterface` (boot device). Drivers are found by name
through the ``async_api.drivers`` entry point namespace, so a service
adds its own in its ``setup.cfg``::

    [entry_points]
    async_api.baremetal.drivers =
        fake = async_api.baremetal.drivers.fake:FakeDriver

or registers them in code with :func:`register_driver`.

Every driver call may block on hardware; flows call drivers from conductor
threads only, never from the API. Exceptions::

    DriverError                 driver_error
    ├── DriverNotFound          driver_not_found
    ├── InvalidDriverInfo       invalid_driver_info
    ├── PowerStateError         power_state_error
    ├── BootDeviceError         boot_device_error
    ├── BMCAuthError            bmc_auth_failed
    └── TransientDriverError    bmc_error        (worth retrying)
        ├── BMCTimeout          bmc_timeout
        └── BMCBusy             bmc_busy

Flows retry :class:`TransientDriverError` with backoff (see
:mod:`flows.common`); any other error fails the step at once.
"""

import abc
import contextlib
import threading

from stevedore import driver as stevedore_driver
from stevedore import exception as stevedore_exc

NAMESPACE = 'async_api.drivers'

POWER_ON = 'on'
POWER_OFF = 'off'
REBOOT = 'reboot'
POWER_STATES = (POWER_ON, POWER_OFF)

BOOT_PXE = 'pxe'
BOOT_DISK = 'disk'
BOOT_CDROM = 'cdrom'
BOOT_BIOS = 'bios'
BOOT_DEVICES = (BOOT_PXE, BOOT_DISK, BOOT_CDROM, BOOT_BIOS)


class DriverError(Exception):
    """A driver call failed; ``code`` is stable and machine-readable."""

    code = 'driver_error'


class DriverNotFound(DriverError):
    code = 'driver_not_found'


class InvalidDriverInfo(DriverError):
    code = 'invalid_driver_info'


class PowerStateError(DriverError):
    code = 'power_state_error'


class BootDeviceError(DriverError):
    code = 'boot_device_error'


class BMCAuthError(DriverError):
    """The BMC refused the credentials: retrying will not help."""

    code = 'bmc_auth_failed'


class TransientDriverError(DriverError):
    """The BMC may answer if asked again (flows retry these)."""

    code = 'bmc_error'


class BMCTimeout(TransientDriverError):
    """The BMC did not answer within ``[hardware]bmc_timeout``."""

    code = 'bmc_timeout'


class BMCBusy(TransientDriverError):
    """No slot of the BMC's concurrency limit came free in time."""

    code = 'bmc_busy'


class PowerInterface(abc.ABC):
    """Power control of a node.

    Methods receive the node (a detached :class:`async_api.db.models.Node`)
    and must be safe to call again with the same arguments: a resumed flow
    repeats the call that was interrupted.
    """

    @abc.abstractmethod
    def validate(self, node):
        """Check ``node.driver_info``; InvalidDriverInfo if it is unusable."""

    @abc.abstractmethod
    def get_power_state(self, node):
        """The node's current power state (:data:`POWER_ON`/``OFF``)."""

    @abc.abstractmethod
    def set_power_state(self, node, state):
        """Ask for ``state`` (:data:`POWER_ON` or :data:`POWER_OFF`).

        Returns once the request was accepted; the state may be reached
        later, so callers verify with :meth:`get_power_state`.
        """

    @abc.abstractmethod
    def reboot(self, node):
        """Power cycle the node (it ends powered on)."""


class ManagementInterface(abc.ABC):
    """Boot device control of a node; same rules as PowerInterface."""

    @abc.abstractmethod
    def validate(self, node):
        """Check ``node.driver_info``; InvalidDriverInfo if it is unusable."""

    @abc.abstractmethod
    def get_boot_device(self, node):
        """``{"boot_device": one of BOOT_DEVICES or None, "persistent": b}``.

        ``persistent`` is None when the hardware cannot tell.
        """

    @abc.abstractmethod
    def set_boot_device(self, node, device, persistent=False):
        """Boot from ``device`` (one of :data:`BOOT_DEVICES`).

        Next time only, or every time when ``persistent``.
        """


class Driver:
    """A named set of hardware interfaces."""

    name = None
    power = None
    management = None
    #: driver_info keys that change how the driver behaves, for tests
    #: and debugging (delays, forced failures): they can hang or fail a
    #: conductor's work at will, so only admins may set them (the
    #: ``baremetal:node:set_debug_fields`` policy rule).
    debug_fields = ()

    def validate(self, node):
        """Validate every interface; ``{interface: {"result", "reason"}}``.

        Only :class:`DriverError` is a verdict; anything else propagates.
        """
        results = {}
        for name in ('power', 'management'):
            interface = getattr(self, name, None)
            if interface is None:
                continue
            try:
                interface.validate(node)
            except DriverError as e:
                results[name] = {'result': False, 'reason': str(e),
                                 'code': e.code}
            else:
                results[name] = {'result': True, 'reason': None}
        return results


def require(info, *keys):
    """The values of ``keys`` in ``info``; InvalidDriverInfo if missing."""
    missing = [key for key in keys if not info.get(key)]
    if missing:
        raise InvalidDriverInfo('driver_info lacks %s' % ', '.join(missing))
    return [info[key] for key in keys]


# Which phase of a step the current thread is in. Drivers need not care;
# the fake driver uses it to fail only on the revert path.
_CALL_CONTEXT = threading.local()


@contextlib.contextmanager
def reverting():
    """Mark driver calls made inside this block as part of a revert."""
    previous = getattr(_CALL_CONTEXT, 'reverting', False)
    _CALL_CONTEXT.reverting = True
    try:
        yield
    finally:
        _CALL_CONTEXT.reverting = previous


def in_revert():
    """Whether the calling thread is inside :func:`reverting`."""
    return getattr(_CALL_CONTEXT, 'reverting', False)


_LOCK = threading.Lock()
_DRIVERS = {}


def register_driver(name, driver_cls):
    """Make ``driver_cls`` loadable as ``name`` (replaces entry points)."""
    with _LOCK:
        _DRIVERS[name] = driver_cls() if isinstance(driver_cls, type) \
            else driver_cls


def unregister_driver(name):
    with _LOCK:
        _DRIVERS.pop(name, None)


def get_driver(name):
    """The driver called ``name`` (one shared instance per process).

    :raises DriverNotFound: no such driver is registered or installed.
    """
    with _LOCK:
        if name in _DRIVERS:
            return _DRIVERS[name]
    try:
        manager = stevedore_driver.DriverManager(
            NAMESPACE, name, invoke_on_load=True)
    except (stevedore_exc.NoMatches, RuntimeError) as e:
        raise DriverNotFound('Driver %s is not available: %s' % (name, e))
    with _LOCK:
        return _DRIVERS.setdefault(name, manager.driver)
