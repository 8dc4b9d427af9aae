"""What every command that starts (or cancels) a task shares.

``--wait`` waits for the task's end, showing its progress on stderr (a
bar on a terminal, plain lines elsewhere; stdout keeps the final task in
the format asked for) and ends the command with a non-zero status when
the task failed, ended in error or was cancelled. ``--idempotency-key``
makes a retried command replay the first answer instead of starting a
second operation.
"""

import logging

from osc_lib.command import command

import async_api
from async_api.baremetal.osc import columns

LOG = logging.getLogger(__name__)

#: The exit status of a command whose task did not end as asked, or
#: whose wait ran out.
TASK_UNSUCCESSFUL = 1


def add_wait_arguments(parser):
    parser.add_argument(
        '--wait', action='store_true',
        help='Wait for the task to end, showing its progress on stderr; '
             'exit non-zero if it fails, ends in error or is cancelled')
    parser.add_argument(
        '--wait-timeout', metavar='<seconds>', type=int, default=0,
        help='With --wait, give up waiting after this many seconds (the '
             'task goes on) and exit non-zero; 0 (default) waits as long '
             'as it takes')


def add_idempotency_argument(parser):
    parser.add_argument(
        '--idempotency-key', metavar='<key>',
        help='Idempotency-Key of the request: the same key and request '
             'again returns the first answer instead of acting twice')


class WaitingCommand(command.ShowOne):
    """Shows a task, maybe after waiting for its end; the exit status
    says whether it ended in :attr:`wanted`."""

    #: The end this command asks for.
    wanted = async_api.states.SUCCEEDED

    def wait(self, call, **kwargs):
        """The task ``call(progress=..., **kwargs)`` returns, progress
        shown on stderr; sets the exit status from its end."""
        self.exit_status = 0
        progress = async_api.progress_reporter(self.app.stderr)
        try:
            task = call(progress=progress, **kwargs)
        except async_api.WaitTimeout as timeout:
            # Show the task as it stands; the command did not see its end.
            self.exit_status = TASK_UNSUCCESSFUL
            LOG.error('%s', timeout)
            return timeout.task
        finally:
            progress.close()
        self.check_end(task)
        return task

    def check_end(self, task):
        if task['state'] == self.wanted:
            return
        self.exit_status = TASK_UNSUCCESSFUL
        error = task.get('error') or {}
        LOG.error('Task %s %s%s', task['uuid'], task['state'],
                  ': %s' % error['message'] if error.get('message') else '')

    def run(self, parsed_args):
        self.exit_status = 0
        # ShowOne.run answers 0 once the task is shown; its end decides.
        return super().run(parsed_args) or self.exit_status


class TaskCommand(WaitingCommand):
    """A command that starts a task: ``--wait``, ``--idempotency-key``."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_wait_arguments(parser)
        add_idempotency_argument(parser)
        return parser

    def start(self, client, parsed_args, **wait):
        """Send the request; the task (``wait`` for
        :meth:`async_api.TaskClient.action`)."""
        raise NotImplementedError()

    def take_action(self, parsed_args):
        client = self.app.client_manager.asyncapi
        if parsed_args.wait:
            task = self.wait(self.start, client=client,
                             parsed_args=parsed_args, wait=True,
                             timeout=parsed_args.wait_timeout)
        else:
            task = self.start(client, parsed_args)
        if getattr(task, 'replayed', False):
            LOG.warning('Replayed the first answer to idempotency key %s: '
                        'no new task was started',
                        parsed_args.idempotency_key)
        return columns.show(task, columns.TASK_FIELDS)
