"""Node actions: each starts a task (``--wait``, ``--idempotency-key``).

``openstack asyncapi node power on|off|reboot``, ``node boot device set``,
``node deploy``, ``node undeploy``, ``node validate``; and ``node
validation show``, the stored result of the last validation.
"""

from osc_lib.command import command

from async_api.baremetal.osc import actions
from async_api.baremetal.osc import columns

BOOT_DEVICES = ('pxe', 'disk', 'cdrom', 'bios')


class NodeAction(actions.TaskCommand):
    """An action on one node."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('node', metavar='<node>', help='Name or UUID')
        return parser


class PowerNode(NodeAction):
    target = None

    def start(self, client, parsed_args, **wait):
        return client.set_power_state(
            parsed_args.node, self.target,
            idempotency_key=parsed_args.idempotency_key, **wait)


class PowerOnNode(PowerNode):
    """Power a node on."""

    target = 'on'


class PowerOffNode(PowerNode):
    """Power a node off."""

    target = 'off'


class RebootNode(PowerNode):
    """Reboot a node."""

    target = 'reboot'


class ProvisionNode(NodeAction):
    target = None

    def start(self, client, parsed_args, **wait):
        return client.set_provision_state(
            parsed_args.node, self.target,
            idempotency_key=parsed_args.idempotency_key, **wait)


class DeployNode(ProvisionNode):
    """Deploy a node (provision state active)."""

    target = 'active'


class UndeployNode(ProvisionNode):
    """Tear a node down (provision state deleted)."""

    target = 'deleted'


class SetBootDevice(NodeAction):
    """Set the device a node boots from."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('device', metavar='<device>',
                            choices=BOOT_DEVICES,
                            help='One of %s' % ', '.join(BOOT_DEVICES))
        parser.add_argument('--persistent', action='store_true',
                            help='For every boot, not only the next')
        return parser

    def start(self, client, parsed_args, **wait):
        return client.set_boot_device(
            parsed_args.node, parsed_args.device,
            persistent=parsed_args.persistent,
            idempotency_key=parsed_args.idempotency_key, **wait)


class ValidateNode(NodeAction):
    """Validate a node's driver now, as a task whose result is the
    validation (see also ``node validation show``)."""

    def start(self, client, parsed_args, **wait):
        return client.validate(
            parsed_args.node, idempotency_key=parsed_args.idempotency_key,
            **wait)


class ShowValidation(command.Lister):
    """Show the stored result of a node's last validation (no hardware
    call)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('node', metavar='<node>', help='Name or UUID')
        return parser

    def take_action(self, parsed_args):
        stored = self.app.client_manager.asyncapi.validation(
            parsed_args.node)
        rows = [{'interface': name, 'result': value.get('result'),
                 'reason': value.get('reason'),
                 'validated_at': stored.get('validated_at')}
                for name, value in sorted(
                    (stored.get('interfaces') or {}).items())]
        return columns.listing(
            rows, ('interface', 'result', 'reason', 'validated_at'))
