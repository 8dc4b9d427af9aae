"""The ``ipmi`` driver: IPMI 2.0 (RMCP+) through pyghmi.

``driver_info`` keys:

``ipmi_address`` (required)
    Host name or IP address of the BMC.
``ipmi_port``
    UDP port, 623 unless given.
``ipmi_username``, ``ipmi_password``
    Credentials. The password is a secret: it is masked by the API and
    never logged or put in an error message.

pyghmi keeps one session per BMC and credentials and reuses it, so a
call after the first costs one round trip. Credentials are given to it as
bytes: pyghmi files a session being set up under the credentials as
given but removes it under their encoded form, so with ``str`` a second
``Command`` for the same BMC waits forever on a login that ended.
"""

from oslo_log import log
from pyghmi import exceptions as pyghmi_exc
from pyghmi.ipmi import command as ipmi_command
from pyghmi.ipmi.private import session as ipmi_session

from async_api.baremetal.drivers import base
from async_api.baremetal.drivers import bmc

LOG = log.getLogger(__name__)

# pyghmi guards its registries of waiting and kept-alive sessions with two
# locks, taken in both orders: Session.send_payload holds
# KEEPALIVE_SESSIONS while _xmit_packet takes WAITING_SESSIONS, and
# Session.wait_for_rsp holds WAITING_SESSIONS while it retries a timed-out
# session (send_payload: KEEPALIVE_SESSIONS). Two threads talking to BMCs
# at once can each hold one and wait for the other forever, and every
# IPMI call of the process then hangs (seen in CI: two logons, one of
# them retrying). pyghmi reads both names at each use, so one reentrant
# lock under both names removes the cycle; each guards a few dict updates
# and a non-blocking send.
ipmi_session.WAITING_SESSIONS = ipmi_session.KEEPALIVE_SESSIONS

DEFAULT_PORT = 623

# Our boot device names and pyghmi's.
_TO_IPMI = {base.BOOT_PXE: 'network', base.BOOT_DISK: 'hd',
            base.BOOT_CDROM: 'optical', base.BOOT_BIOS: 'setup'}
_FROM_IPMI = {value: key for key, value in _TO_IPMI.items()}
_FROM_IPMI['safe'] = base.BOOT_DISK

# pyghmi's messages for refused credentials (it has no error codes).
_AUTH_FAILURES = ('password', 'unauthorized', 'username', 'privilege')


def _info(node):
    info = node.driver_info or {}
    (address,) = base.require(info, 'ipmi_address')
    try:
        port = int(info.get('ipmi_port') or DEFAULT_PORT)
    except (TypeError, ValueError):
        raise base.InvalidDriverInfo('ipmi_port must be an integer')
    if not 0 < port < 65536:
        raise base.InvalidDriverInfo('ipmi_port must be within 1-65535')
    return {'bmc': address, 'port': port,
            'userid': str(info.get('ipmi_username') or '').encode(),
            'password': str(info.get('ipmi_password') or '').encode()}


def _translate(error, where):
    message = str(error) if str(error) not in ('', 'None') else 'no answer'
    if any(word in message.lower() for word in _AUTH_FAILURES):
        return base.BMCAuthError('IPMI BMC %s refused the credentials: %s'
                                 % (where, message))
    # Everything else (timeouts, lost sessions, busy BMCs) may pass.
    return base.TransientDriverError('IPMI call to %s failed: %s'
                                     % (where, message))


def _logon(info, where):
    """A logged-on pyghmi ``Command``.

    pyghmi sometimes marks a session broken during logon without recording
    why, and then fails with AttributeError ('errormsg') instead of its own
    IpmiException (seen with wrong credentials under load). A second logon
    gets the real answer; if it breaks the same way, the BMC is treated as
    unreachable for now.
    """
    for _ in range(2):
        try:
            return ipmi_command.Command(**info)
        except AttributeError as e:
            if 'errormsg' not in str(e):
                raise
            LOG.warning('IPMI session to %s broke during logon; '
                        'trying again', where)
    raise base.TransientDriverError(
        'IPMI session to %s broke during logon' % where)


def _run(node, what, action):
    """``action(command)`` on the node's BMC, errors translated."""
    info = _info(node)
    where = '%s:%d' % (info['bmc'], info['port'])

    def _call():
        try:
            command = _logon(info, where)
            return action(command)
        except pyghmi_exc.IpmiException as e:
            raise _translate(e, where)

    return bmc.call(where, what, _call)


class IPMIPower(base.PowerInterface):
    """Chassis power control."""

    def validate(self, node):
        _info(node)

    def get_power_state(self, node):
        state = _run(node, 'get power state',
                     lambda c: c.get_power()['powerstate'])
        if state not in base.POWER_STATES:
            raise base.PowerStateError('IPMI BMC reported power state %r'
                                       % state)
        return state

    def set_power_state(self, node, state):
        if state not in base.POWER_STATES:
            raise base.PowerStateError('Unknown power state %r' % state)
        _run(node, 'set power %s' % state,
             lambda c: c.set_power(state, wait=False))

    def reboot(self, node):
        # 'boot' powers on an off node and resets one that is on.
        _run(node, 'reboot', lambda c: c.set_power('boot', wait=False))


class IPMIManagement(base.ManagementInterface):
    """Boot device through Set/Get System Boot Options."""

    def validate(self, node):
        _info(node)

    def get_boot_device(self, node):
        found = _run(node, 'get boot device', lambda c: c.get_bootdev())
        return {'boot_device': _FROM_IPMI.get(found.get('bootdev')),
                'persistent': found.get('persistent')}

    def set_boot_device(self, node, device, persistent=False):
        if device not in _TO_IPMI:
            raise base.BootDeviceError('Unknown boot device %r' % device)
        _run(node, 'set boot device %s' % device,
             lambda c: c.set_bootdev(_TO_IPMI[device],
                                     persist=bool(persistent)))


class IPMIDriver(base.Driver):
    """Nodes with an IPMI 2.0 BMC."""

    name = 'ipmi'

    def __init__(self):
        self.power = IPMIPower()
        self.management = IPMIManagement()
