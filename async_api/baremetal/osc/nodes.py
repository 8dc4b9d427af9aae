"""``openstack asyncapi node create|list|show|set|unset|delete``.

CRUD touches only the service's database and answers at once.
"""

import json
import logging

from osc_lib.cli import parseractions
from osc_lib.command import command
from osc_lib import exceptions

from async_api.baremetal.client import nodes as node_client
from async_api.baremetal.osc import actions
from async_api.baremetal.osc import columns

LOG = logging.getLogger(__name__)
DRIVERS = ('fake', 'ipmi', 'redfish')
SORT_KEYS = ('created_at', 'updated_at', 'uuid', 'name')


def _values(pairs):
    """``KEY=VALUE`` options as a dict, each VALUE read as JSON if it is
    JSON (``'["set_power_state"]'``, ``623``), else kept as a string."""
    result = {}
    for key, value in (pairs or {}).items():
        try:
            result[key] = json.loads(value)
        except ValueError:
            result[key] = value
    return result


def _add_fields(parser, driver_required):
    parser.add_argument('--driver', metavar='<driver>', choices=DRIVERS,
                        required=driver_required,
                        help='Hardware driver (%s)' % ', '.join(DRIVERS))
    parser.add_argument('--name', metavar='<name>', help='Unique name')
    parser.add_argument(
        '--driver-info', metavar='<key=value>', action=parseractions.
        KeyValueAction, help='Driver property (address, username, password, '
        '...); the value is read as JSON if it is JSON. Repeat for several')
    parser.add_argument(
        '--extra', metavar='<key=value>',
        action=parseractions.KeyValueAction,
        help='Free-form property; the value is read as JSON if it is JSON. '
             'Repeat for several')


class CreateNode(command.ShowOne):
    """Create a node."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        _add_fields(parser, driver_required=True)
        parser.add_argument('--uuid', metavar='<uuid>',
                            help='UUID of the node (default: a new one)')
        actions.add_idempotency_argument(parser)
        return parser

    def take_action(self, parsed_args):
        node = self.app.client_manager.asyncapi.create(
            parsed_args.driver, name=parsed_args.name, uuid=parsed_args.uuid,
            driver_info=_values(parsed_args.driver_info) or None,
            extra=_values(parsed_args.extra) or None,
            idempotency_key=parsed_args.idempotency_key)
        return columns.show(node, columns.NODE_FIELDS)


class ListNode(command.Lister):
    """List nodes."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--driver', metavar='<driver>', choices=DRIVERS,
                            help='Only nodes of this driver')
        parser.add_argument('--power-state', metavar='<state>',
                            help='Only nodes in this power state')
        parser.add_argument('--provision-state', metavar='<state>',
                            help='Only nodes in this provision state')
        parser.add_argument('--sync-state', metavar='<state>',
                            help='Only nodes in this sync state')
        parser.add_argument('--limit', metavar='<count>', type=int,
                            help='At most this many nodes (default: all)')
        parser.add_argument('--sort-key', choices=SORT_KEYS,
                            help='Sort by this field (default: created_at)')
        parser.add_argument('--sort-dir', choices=('asc', 'desc'),
                            help='Sort direction (default: asc)')
        parser.add_argument('--long', action='store_true',
                            help='Show every field')
        return parser

    def take_action(self, parsed_args):
        nodes = self.app.client_manager.asyncapi.list(
            driver=parsed_args.driver, power_state=parsed_args.power_state,
            provision_state=parsed_args.provision_state,
            sync_state=parsed_args.sync_state, limit=parsed_args.limit,
            sort_key=parsed_args.sort_key, sort_dir=parsed_args.sort_dir)
        fields = (columns.NODE_FIELDS if parsed_args.long
                  else columns.NODE_LIST_FIELDS)
        return columns.listing(nodes, fields)


class ShowNode(command.ShowOne):
    """Show a node."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('node', metavar='<node>', help='Name or UUID')
        return parser

    def take_action(self, parsed_args):
        node = self.app.client_manager.asyncapi.get(parsed_args.node)
        return columns.show(node, columns.NODE_FIELDS)


class SetNode(command.ShowOne):
    """Set a node's name, driver, driver properties or extra properties."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('node', metavar='<node>', help='Name or UUID')
        _add_fields(parser, driver_required=False)
        actions.add_idempotency_argument(parser)
        return parser

    def take_action(self, parsed_args):
        values = [('/' + field, getattr(parsed_args, field))
                  for field in ('name', 'driver')
                  if getattr(parsed_args, field) is not None]
        for field in ('driver_info', 'extra'):
            values += [('/%s/%s' % (field, key), value) for key, value in
                       _values(getattr(parsed_args, field)).items()]
        if not values:
            raise exceptions.CommandError('Nothing to set')
        node = self.app.client_manager.asyncapi.update(
            parsed_args.node, node_client.patch_operations(values),
            idempotency_key=parsed_args.idempotency_key)
        return columns.show(node, columns.NODE_FIELDS)


class UnsetNode(command.ShowOne):
    """Remove a node's name, driver properties or extra properties."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('node', metavar='<node>', help='Name or UUID')
        parser.add_argument('--name', action='store_true',
                            help='Remove the name')
        parser.add_argument('--driver-info', metavar='<key>',
                            action='append', default=[],
                            help='Remove this driver property; repeat for '
                                 'several')
        parser.add_argument('--extra', metavar='<key>', action='append',
                            default=[],
                            help='Remove this extra property; repeat for '
                                 'several')
        return parser

    def take_action(self, parsed_args):
        removals = ['/name'] if parsed_args.name else []
        removals += ['/driver_info/%s' % key
                     for key in parsed_args.driver_info]
        removals += ['/extra/%s' % key for key in parsed_args.extra]
        if not removals:
            raise exceptions.CommandError('Nothing to unset')
        node = self.app.client_manager.asyncapi.update(
            parsed_args.node,
            node_client.patch_operations(removals=removals))
        return columns.show(node, columns.NODE_FIELDS)


class DeleteNode(command.Command):
    """Delete nodes (refused while a node has unfinished tasks)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('nodes', metavar='<node>', nargs='+',
                            help='Names or UUIDs')
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.asyncapi
        failed = 0
        for node in parsed_args.nodes:
            try:
                client.delete(node)
            except Exception as e:
                failed += 1
                LOG.error('Could not delete node %s: %s', node, e)
        if failed:
            raise exceptions.CommandError(
                'Could not delete %d of %d nodes'
                % (failed, len(parsed_args.nodes)))
