"""The flows of the compute operations, at stable import paths.

A conductor builds a task's flow by calling the factory its operation
names (``compute.flows:live_migrate_flow``); a job in flight when a
conductor dies is resumed elsewhere by importing that name again, so
these names must never move. Every step gets ``task_uuid`` and
``resource_uuid`` (the server) from the engine's store and reads the
parameters from the task row. Steps must be idempotent: a resumed flow
runs the interrupted step again.

The live migration's pre-checks run inside the flow (the Nova seed's
point): the API answers 202 at once, and a failed check ends the task
``failed`` with the check's error code, before any step changed the
server.
"""

import time
import uuid

from taskflow.patterns import graph_flow
from taskflow import task

import async_api
from compute import conf
from compute import db


# [start-errors]
class MigrationError(Exception):
    """A step refused to go on. ``code`` becomes the task's error code."""

    code = 'migration_failed'


class ServerNotActive(MigrationError):
    code = 'server_not_active'


class DestinationUnavailable(MigrationError):
    code = 'destination_unavailable'


class InsufficientCapacity(MigrationError):
    code = 'insufficient_capacity'
# [end-errors]


#: Namespace of the lanes of hypervisors (see :func:`host_lane`).
HOST_LANES = uuid.UUID('7c1f3b8e-52a4-4a53-9d0e-2f0d5e8b6a41')


def host_lane(host):
    """The lane UUID of a hypervisor: migrations to it run one at a time,
    so that its capacity check cannot race another migration's."""
    return str(uuid.uuid5(HOST_LANES, host))


def _params(task_uuid):
    return async_api.get_task(task_uuid).params or {}


# [start-prechecks]
class CheckServerActive(task.Task):
    """Pre-check: only an ACTIVE server migrates or reboots."""

    default_provides = 'source_host'

    def execute(self, resource_uuid):
        server = db.get_server(resource_uuid)
        if server.status != 'ACTIVE':
            raise ServerNotActive('Server %s is %s, not ACTIVE'
                                  % (resource_uuid, server.status))
        return server.host


class CheckDestination(task.Task):
    """Pre-check: the destination is a known, enabled, other hypervisor."""

    default_provides = 'destination'

    def execute(self, task_uuid, source_host):
        host = _params(task_uuid)['host']
        options = conf.CONF.compute
        if host not in options.hosts or host in options.disabled_hosts:
            raise DestinationUnavailable(
                'Host %s is not an enabled hypervisor' % host)
        if host == source_host:
            raise DestinationUnavailable(
                'The server already runs on %s' % host)
        return host


class CheckCapacity(task.Task):
    """Pre-check: the destination has room for one more server."""

    def execute(self, destination):
        if db.count_on_host(destination) >= conf.CONF.compute.host_capacity:
            raise InsufficientCapacity('Host %s is full' % destination)
# [end-prechecks]


# [start-migration]
class StartMigration(task.Task):
    """Mark the server MIGRATING; the revert puts it back ACTIVE at home."""

    def execute(self, resource_uuid):
        db.update_server(resource_uuid, {'status': 'MIGRATING'})

    def revert(self, resource_uuid, source_host, *args, **kwargs):
        # Runs when any later step failed: the server never left.
        db.update_server(resource_uuid,
                         {'status': 'ACTIVE', 'host': source_host})


class TransferServer(task.Task):
    """Copy memory and disks to the destination (simulated)."""

    def execute(self, resource_uuid, destination):
        time.sleep(conf.CONF.compute.step_seconds)
        if destination in conf.CONF.compute.broken_hosts:
            raise MigrationError('The transfer to %s failed' % destination)

    def revert(self, resource_uuid, destination, *args, **kwargs):
        # A real service frees what the transfer set up on the
        # destination; nothing was, here.
        pass


class SwitchHost(task.Task):
    """Record the server on its new host. Provides the task's result."""

    default_provides = 'result'

    def execute(self, resource_uuid, source_host, destination):
        db.update_server(resource_uuid,
                         {'status': 'ACTIVE', 'host': destination})
        return {'host': destination, 'previous_host': source_host}


def live_migrate_flow():
    """``server.live_migrate``: pre-checks, then the migration."""
    flow = graph_flow.Flow('server-live-migrate')
    check_capacity = CheckCapacity('check-capacity')
    start = StartMigration('start-migration')
    transfer = TransferServer('transfer-server')
    switch = SwitchHost('switch-host')
    flow.add(CheckServerActive('check-server-active'),
             CheckDestination('check-destination'),
             check_capacity, start, transfer, switch)
    # The data the steps need orders the checks; these links order the
    # rest: nothing changes before every check passed.
    flow.link(check_capacity, start)
    flow.link(start, transfer)
    flow.link(transfer, switch)
    return flow
# [end-migration]


class StartReboot(task.Task):
    """Mark the server REBOOT; the revert puts it back ACTIVE."""

    def execute(self, resource_uuid):
        db.update_server(resource_uuid, {'status': 'REBOOT'})

    def revert(self, resource_uuid, *args, **kwargs):
        db.update_server(resource_uuid, {'status': 'ACTIVE'})


class FinishReboot(task.Task):
    """Wait for the guest to come back (simulated). The task's result."""

    default_provides = 'result'

    def execute(self, task_uuid, resource_uuid):
        time.sleep(conf.CONF.compute.step_seconds)
        db.update_server(resource_uuid, {'status': 'ACTIVE'})
        return {'status': 'ACTIVE', 'type': _params(task_uuid)['type']}


def reboot_flow():
    """``server.reboot``."""
    flow = graph_flow.Flow('server-reboot')
    check = CheckServerActive('check-server-active')
    start = StartReboot('start-reboot')
    finish = FinishReboot('finish-reboot')
    flow.add(check, start, finish)
    # No data passes between these: links order them.
    flow.link(check, start)
    flow.link(start, finish)
    return flow
