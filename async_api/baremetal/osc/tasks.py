"""``openstack asyncapi task list|show|events|cancel|wait``."""

from osc_lib.command import command

import async_api
from async_api.baremetal.osc import actions
from async_api.baremetal.osc import columns


class ListTask(command.Lister):
    """List tasks, newest first, by the API's filters."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--resource-uuid', metavar='<uuid>',
                            help='Only the tasks of this resource')
        parser.add_argument('--resource-type', metavar='<type>',
                            help='Only tasks on this type of resource '
                                 '(node)')
        parser.add_argument('--operation', metavar='<operation>',
                            help='Only this operation '
                                 '(node.set_power_state, ...)')
        parser.add_argument('--state', metavar='<state>', action='append',
                            choices=async_api.states.ALL,
                            help='Only tasks in this state; repeat for '
                                 'several (%s)'
                                 % ', '.join(async_api.states.ALL))
        parser.add_argument('--changes-since', metavar='<time>',
                            help='Only tasks changed since this ISO 8601 '
                                 'time')
        parser.add_argument('--limit', metavar='<count>', type=int,
                            help='At most this many tasks (default: all)')
        parser.add_argument('--sort-dir', choices=('asc', 'desc'),
                            help='Oldest (asc) or newest (desc, default) '
                                 'first')
        parser.add_argument('--long', action='store_true',
                            help='Show every field')
        return parser

    def take_action(self, parsed_args):
        tasks = self.app.client_manager.asyncapi.tasks.list_tasks(
            resource_uuid=parsed_args.resource_uuid,
            resource_type=parsed_args.resource_type,
            operation=parsed_args.operation, state=parsed_args.state,
            changes_since=parsed_args.changes_since,
            limit=parsed_args.limit, sort_dir=parsed_args.sort_dir)
        fields = (columns.TASK_FIELDS if parsed_args.long
                  else columns.TASK_LIST_FIELDS)
        return columns.listing(tasks, fields)


class ShowTask(command.ShowOne):
    """Show a task."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('task', metavar='<task>', help='Task UUID')
        return parser

    def take_action(self, parsed_args):
        task = self.app.client_manager.asyncapi.tasks.get_task(
            parsed_args.task)
        return columns.show(task, columns.TASK_FIELDS)


class ListTaskEvents(command.Lister):
    """List a task's step events, oldest first."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('task', metavar='<task>', help='Task UUID')
        return parser

    def take_action(self, parsed_args):
        events = self.app.client_manager.asyncapi.tasks.list_events(
            parsed_args.task)
        return columns.listing(events, columns.EVENT_FIELDS)


class CancelTask(actions.TaskCommand):
    """Cancel a task: at once if it has not started, else at its next
    step, after reverting what it did.

    With --wait, exits non-zero unless the task ends cancelled.
    """

    wanted = async_api.states.CANCELLED

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('task', metavar='<task>', help='Task UUID')
        return parser

    def start(self, client, parsed_args, **wait):
        return client.tasks.cancel(
            parsed_args.task, idempotency_key=parsed_args.idempotency_key,
            **wait)


class WaitTask(actions.WaitingCommand):
    """Wait for a task to end, showing its progress on stderr.

    Exits non-zero if it fails, ends in error or is cancelled, or is still
    unfinished after --timeout seconds.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('task', metavar='<task>', help='Task UUID')
        parser.add_argument('--timeout', metavar='<seconds>', type=int,
                            default=0,
                            help='Give up after this many seconds (the '
                                 'task goes on); 0 (default) waits as long '
                                 'as it takes')
        return parser

    def take_action(self, parsed_args):
        task = self.wait(self.app.client_manager.asyncapi.tasks.wait,
                         task=parsed_args.task, timeout=parsed_args.timeout)
        return columns.show(task, columns.TASK_FIELDS)
