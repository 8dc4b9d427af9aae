#!/usr/bin/env python3
"""Time of one power-sync sweep, and the accept latency while one runs.

Starts the real ``async-api-api`` on a SQLite file in a temporary
directory (as ``accept_latency.py`` does). This process plays one
conductor: it opens the same database and runs
:meth:`async_api.baremetal.periodics.PeriodicTasks.sync_power_states`

* over ``--fake`` fake-driver nodes (default 1,000): the sweep's own cost
  (queries, conditional writes, the per-BMC limiter, the pool);
* over ``--redfish`` nodes (default 50) on one sushy-emulator with its
  fake driver (one system per node, one HTTP service for all of them, so
  the per-BMC limit of that one address applies: ``--per-bmc``);

and, while the Redfish sweep runs again, measures the latency of
``PUT /v1/nodes/{id}/states/power`` (202) from one client, against the
same with no sweep. Run from the repository root::

    python tools/benchmarks/power_sync.py [--fake 1000] [--redfish 50]
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import accept_latency  # noqa: E402

from async_api.baremetal import periodics  # noqa: E402
from async_api.baremetal import conf as async_conf  # noqa: E402
from async_api.db import engine as db_engine  # noqa: E402
from async_api.baremetal.db import nodes as db_nodes  # noqa: E402
from async_api.tests.emulators import redfish  # noqa: E402


def accept_latencies(url, node_uuids, stop, out):
    """PUT power on the nodes in turn until ``stop``; ms into ``out``."""
    session = requests.Session()
    index = 0
    while not stop.is_set():
        uuid = node_uuids[index % len(node_uuids)]
        index += 1
        started = time.perf_counter()
        response = session.put('%s/v1/nodes/%s/states/power' % (url, uuid),
                               json={'target': 'on'}, timeout=30)
        out.append((time.perf_counter() - started) * 1000)
        if response.status_code != 202:
            raise RuntimeError(response.text)


def measure(url, targets, seconds=None, during=None):
    """Median and p95 accept latency for ``seconds`` or ``during()``."""
    stop = threading.Event()
    found = []
    thread = threading.Thread(target=accept_latencies,
                              args=(url, targets, stop, found))
    thread.start()
    if during is not None:
        during()
    else:
        time.sleep(seconds)
    stop.set()
    thread.join()
    found.sort()
    return (statistics.median(found), found[int(len(found) * 0.95) - 1],
            len(found))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--fake', type=int, default=1000)
    parser.add_argument('--redfish', type=int, default=50)
    parser.add_argument('--workers', type=int, default=4,
                        help='[hardware]sync_workers')
    parser.add_argument('--per-bmc', type=int, default=8,
                        help='[hardware]max_concurrent_per_bmc')
    args = parser.parse_args()
    conf = async_conf.CONF
    conf([], project='async_api', default_config_files=[])
    conf.set_override('sync_workers', args.workers, 'hardware')
    conf.set_override('max_concurrent_per_bmc', args.per_bmc, 'hardware')
    conf.set_override('bmc_timeout', 30.0, 'hardware')
    with tempfile.TemporaryDirectory() as directory:
        process, url = accept_latency.start_api(directory)
        emulator = redfish.RedfishEmulator(count=args.redfish)
        try:
            emulator.setUp()
            database = db_engine.Database(
                'sqlite:///' + os.path.join(directory, 'async_api.sqlite'))
            db_engine.set_database(database)
            run(args, url, emulator)
        finally:
            emulator.cleanUp()
            process.kill()
            process.wait()


def run(args, url, emulator):
    tasks = periodics.PeriodicTasks(async_conf.CONF, host='bench')
    tasks.heartbeat()
    fake = [db_nodes.create_node({'driver': 'fake', 'power_state': 'off',
                                  'driver_info': {}}).uuid
            for _ in range(args.fake)]
    result = tasks.sync_power_states()
    print('power sync over %5d fake nodes:    %6.2f s (%d failed)'
          % (result['nodes'], result['seconds'], result['failed']))
    for uuid in fake:
        db_nodes.destroy_node(uuid)
    for index in range(args.redfish):
        db_nodes.create_node({'driver': 'redfish', 'power_state': 'off',
                              'driver_info': emulator.driver_info(index)})
    result = tasks.sync_power_states()
    print('power sync over %5d redfish nodes: %6.2f s (%d failed; '
          '%d sync workers, %d calls per BMC address)'
          % (result['nodes'], result['seconds'], result['failed'],
             args.workers, args.per_bmc))
    # Nodes only the API touches: the sweep skips nodes with active tasks.
    targets = [db_nodes.create_node({'driver': 'fake'}).uuid
               for _ in range(20)]
    idle = measure(url, targets, seconds=3)
    sweeps = []
    busy = measure(url, targets, during=lambda: sweeps.append(
        tasks.sync_power_states()))
    print('accept latency, no sweep:        median %6.1f ms, p95 %6.1f ms '
          '(%d requests)' % idle)
    print('accept latency, during a sweep:  median %6.1f ms, p95 %6.1f ms '
          '(%d requests, sweep %.2f s)' % (busy + (sweeps[0]['seconds'],)))


if __name__ == '__main__':
    main()
