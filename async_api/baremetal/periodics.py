"""The bare-metal conductor's periodic tasks: keep the database as
current as the hardware.

Reads are served from the database only (the ironic fully-async-API
seed), so what only hardware knows is brought in here:

power sync (``[hardware]power_sync_interval``)
    Reads each node's power state. When it differs from what the node
    should be in (``target_power_state`` if set, else the ``power_state``
    last recorded), the actual state is written, the expected one kept in
    ``target_power_state`` and ``sync_state`` set ``out_of_sync``; once the
    hardware is back where expected, ``in_sync`` again.
validation (``[hardware]validate_interval``)
    Validates each node's driver and stores the result, which is what
    ``GET /v1/nodes/{id}/validate`` serves.

Sweeps are divided among live conductors: every conductor process
heartbeats a row of the ``conductors`` table, and each node belongs to the
live conductor that rendezvous hashing of its UUID picks, so a conductor
joining or leaving moves only its own share. Sweeps never starve task
execution: they run on their own small pool (``[hardware]sync_workers``),
skip nodes with an active task, and write only if no task took the node
meanwhile. BMC calls go through the same per-BMC limit as tasks.
"""

import hashlib
import time

import futurist
from oslo_log import log
from oslo_utils import uuidutils

import async_api
from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal.db import sweeps
from async_api.baremetal.drivers import base as driver_base
from flows import validate as validate_flow

LOG = log.getLogger(__name__)


def owner(node_uuid, hosts):
    """The host of ``hosts`` that sweeps ``node_uuid`` (rendezvous hash)."""
    def weight(host):
        return hashlib.sha256(
            ('%s/%s' % (host, node_uuid)).encode()).digest()
    return max(hosts, key=weight) if hosts else None


def sync_power(uuid):
    """Sync one node's power state; returns what it found (or None)."""
    node = db_nodes.get_node(uuid)
    if node.sync_state not in ('in_sync', 'out_of_sync'):
        return None  # A task is on it, or it awaits an operator.
    driver = driver_base.get_driver(node.driver)
    actual = driver.power.get_power_state(node)
    expected = node.target_power_state or node.power_state
    if expected is None or actual == expected:
        values = {'power_state': actual, 'target_power_state': None,
                  'sync_state': 'in_sync'}
        if node.sync_state == 'out_of_sync':
            values['last_error'] = None
    else:
        values = {'power_state': actual, 'target_power_state': expected,
                  'sync_state': 'out_of_sync',
                  'last_error': 'Power state is %s, expected %s (changed '
                                'outside async_api)' % (actual, expected)}
    unchanged = all(getattr(node, key) == value
                    for key, value in values.items())
    if not unchanged:
        sweeps.update_if_idle(uuid, node.last_task_uuid, values)
    return actual


def validate(uuid):
    """Validate one node and store the result."""
    return validate_flow.validate_node(db_nodes.get_node(uuid))


class PeriodicTasks:
    """The periodic tasks of one conductor process.

    :param conf: the service's configuration.
    :param host: this conductor's name; a unique suffix is added, so two
        processes with the same ``[DEFAULT]host`` still split the work.
    """

    def __init__(self, conf, host=None):
        self.conf = conf
        self.name = '%s-%s' % (host or conf.host,
                               uuidutils.generate_uuid(dashed=False)[:8])
        self._worker = None
        self._pool = None

    # Sweeps ----------------------------------------------------------------

    def my_nodes(self):
        """``(uuid, driver)`` of the idle nodes this conductor sweeps."""
        hosts = sweeps.alive(self.conf.hardware.conductor_liveness)
        if self.name not in hosts:
            hosts.append(self.name)
        return [(uuid, driver) for uuid, driver, busy in sweeps.candidates()
                if not busy and owner(uuid, hosts) == self.name]

    def sweep(self, function, what):
        """Run ``function(uuid)`` over this conductor's nodes on the pool.

        Returns ``{"nodes", "failed", "seconds"}``.
        """
        started = time.monotonic()
        pool = self._pool or futurist.ThreadPoolExecutor(
            self.conf.hardware.sync_workers)
        try:
            uuids = [uuid for uuid, _driver in self.my_nodes()]
            futures = {uuid: pool.submit(function, uuid) for uuid in uuids}
            failed = 0
            for uuid, future in futures.items():
                try:
                    future.result()
                except (driver_base.DriverError,
                        async_api.exception.NotFound) as e:
                    failed += 1
                    # str(e) of a driver error never holds a secret.
                    LOG.warning('%s of node %s failed: %s', what, uuid, e)
                except Exception:
                    failed += 1
                    LOG.exception('%s of node %s failed', what, uuid)
        finally:
            if pool is not self._pool:
                pool.shutdown()
        seconds = time.monotonic() - started
        LOG.debug('%s of %d node(s) took %.2f s (%d failed)', what,
                  len(uuids), seconds, failed)
        return {'nodes': len(uuids), 'failed': failed, 'seconds': seconds}

    def sync_power_states(self):
        return self.sweep(sync_power, 'Power sync')

    def validate_nodes(self):
        return self.sweep(validate, 'Validation')

    def heartbeat(self):
        sweeps.heartbeat(self.name)

    # Lifecycle -------------------------------------------------------------

    def _callables(self):
        hardware = self.conf.hardware
        return [
            (max(1.0, hardware.conductor_liveness / 3.0), self.heartbeat),
            (hardware.power_sync_interval, self.sync_power_states),
            (hardware.validate_interval, self.validate_nodes),
        ]

    def start(self):
        """Start the periodic worker's thread (no-op when disabled)."""
        if not self.conf.hardware.periodic_enabled or self._worker:
            return
        self.heartbeat()
        self._pool = futurist.ThreadPoolExecutor(
            self.conf.hardware.sync_workers)
        self._worker = async_api.PeriodicRunner(self._callables())
        self._worker.start()

    def stop(self):
        """Stop the worker and give this conductor's share away."""
        if self._worker is None:
            return
        self._worker.stop()
        self._pool.shutdown()
        self._worker = self._pool = None
        try:
            sweeps.unregister(self.name)
        except Exception:
            LOG.exception('Could not unregister conductor %s', self.name)
