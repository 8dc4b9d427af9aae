"""The ``redfish`` driver: DMTF Redfish through sushy.

``driver_info`` keys:

``redfish_address`` (required)
    URL of the service, ``https://bmc.example.com`` (the service root
    ``/redfish/v1`` is appended).
``redfish_system_id`` (required)
    Path of the system, ``/redfish/v1/Systems/<id>``.
``redfish_username``, ``redfish_password``
    Credentials for HTTP basic authentication. The password is a secret:
    masked by the API, never logged or put in an error message.
``redfish_verify_ca``
    ``true`` (default), ``false``, or the path of a CA bundle.

Power changes are asynchronous on most BMCs: ``set_power_state`` returns
once the BMC accepted the reset, and the flows verify the state.
"""

import sushy
from sushy import auth as sushy_auth
from sushy import exceptions as sushy_exc

from async_api.baremetal import conf as async_conf
from async_api.baremetal.drivers import base
from async_api.baremetal.drivers import bmc

_TO_REDFISH = {base.BOOT_PXE: sushy.BOOT_SOURCE_TARGET_PXE,
               base.BOOT_DISK: sushy.BOOT_SOURCE_TARGET_HDD,
               base.BOOT_CDROM: sushy.BOOT_SOURCE_TARGET_CD,
               base.BOOT_BIOS: sushy.BOOT_SOURCE_TARGET_BIOS_SETUP}
_FROM_REDFISH = {value: key for key, value in _TO_REDFISH.items()}
_ON_STATES = (sushy.SYSTEM_POWER_STATE_ON,
              sushy.SYSTEM_POWER_STATE_POWERING_OFF)


def _info(node):
    info = node.driver_info or {}
    address, system_id = base.require(info, 'redfish_address',
                                      'redfish_system_id')
    if not address.startswith(('http://', 'https://')):
        raise base.InvalidDriverInfo(
            'redfish_address must be an http:// or https:// URL')
    verify = info.get('redfish_verify_ca', True)
    if isinstance(verify, str) and verify.lower() in ('true', 'false'):
        verify = verify.lower() == 'true'
    return {'address': address.rstrip('/'), 'system_id': system_id,
            'username': info.get('redfish_username'),
            'password': info.get('redfish_password'), 'verify': verify}


def _translate(error, where):
    if isinstance(error, sushy_exc.AccessError):
        return base.BMCAuthError('Redfish service %s refused the '
                                 'credentials (HTTP %s)'
                                 % (where, error.status_code))
    if isinstance(error, sushy_exc.ResourceNotFoundError):
        return base.InvalidDriverInfo('Redfish service %s has no such '
                                      'system: %s' % (where, error))
    if isinstance(error, sushy_exc.BadRequestError):
        return base.DriverError('Redfish service %s rejected the request: '
                                '%s' % (where, error))
    # Connection errors and 5xx answers may pass.
    return base.TransientDriverError('Redfish call to %s failed: %s'
                                     % (where, error))


def _run(node, what, action):
    """``action(system)`` on the node's system, errors translated."""
    info = _info(node)
    where = info['address']

    def _call():
        timeout = async_conf.CONF.hardware.bmc_timeout
        try:
            # Basic auth always: sushy's default tries a Redfish session
            # first, one more round trip per call.
            auth = sushy_auth.BasicAuth(info['username'] or '',
                                        info['password'] or '')
            root = sushy.Sushy(info['address'] + '/redfish/v1', auth=auth,
                               verify=info['verify'], read_timeout=timeout,
                               connect_timeout=timeout,
                               server_side_retries=0)
            return action(root.get_system(info['system_id']))
        except sushy_exc.SushyError as e:
            raise _translate(e, where)

    return bmc.call(where, what, _call)


class RedfishPower(base.PowerInterface):
    """ComputerSystem.Reset."""

    def validate(self, node):
        _info(node)

    def get_power_state(self, node):
        state = _run(node, 'get power state', lambda s: s.power_state)
        return base.POWER_ON if state in _ON_STATES else base.POWER_OFF

    def set_power_state(self, node, state):
        if state not in base.POWER_STATES:
            raise base.PowerStateError('Unknown power state %r' % state)
        reset = (sushy.RESET_ON if state == base.POWER_ON
                 else sushy.RESET_FORCE_OFF)
        _run(node, 'set power %s' % state, lambda s: s.reset_system(reset))

    def reboot(self, node):
        def _reboot(system):
            if system.power_state in _ON_STATES:
                system.reset_system(sushy.RESET_FORCE_RESTART)
            else:
                system.reset_system(sushy.RESET_ON)

        _run(node, 'reboot', _reboot)


class RedfishManagement(base.ManagementInterface):
    """ComputerSystem.Boot."""

    def validate(self, node):
        _info(node)

    def get_boot_device(self, node):
        def _get(system):
            boot = system.boot
            return {'boot_device': _FROM_REDFISH.get(boot.target),
                    'persistent': boot.enabled ==
                    sushy.BOOT_SOURCE_ENABLED_CONTINUOUS}

        return _run(node, 'get boot device', _get)

    def set_boot_device(self, node, device, persistent=False):
        if device not in _TO_REDFISH:
            raise base.BootDeviceError('Unknown boot device %r' % device)
        enabled = (sushy.BOOT_SOURCE_ENABLED_CONTINUOUS if persistent
                   else sushy.BOOT_SOURCE_ENABLED_ONCE)
        _run(node, 'set boot device %s' % device,
             lambda s: s.set_system_boot_options(_TO_REDFISH[device],
                                                 enabled=enabled))


class RedfishDriver(base.Driver):
    """Nodes with a Redfish service."""

    name = 'redfish'

    def __init__(self):
        self.power = RedfishPower()
        self.management = RedfishManagement()
