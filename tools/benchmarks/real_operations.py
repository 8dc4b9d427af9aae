#!/usr/bin/env python3
"""The real operations through HTTP, beside a plain TaskFlow engine.

What a user runs, measured as a user drives it, in one run:

* **service**: ``async-api-all`` on the embedded default (one process,
  SQLite, the SQL jobboard, its default conductor workers unless
  ``--workers``), started fresh in a temporary directory. ``--nodes``
  fake-driver nodes are created over HTTP, then ``--clients`` threads
  each submit their share of one operation per node (``PUT
  .../states/power`` and the rest) and the benchmark learns of
  completion the way a client of many tasks should: one ``GET
  /v1/tasks?state=...&changes_since=...`` every ``--poll`` seconds, not
  one poll per task. With ``--learn wait`` each client instead asks
  for the answer to wait for the task's end (``Prefer: wait``, as
  ``openstack ... --wait`` does) and submits its next one then.
  Reported: tasks/s from the first submit to the last completion,
  accepts/s (listing clients only), and the service process's CPU per
  task (user + system, from /proc, accept included).
* **engine**: the very same flow (``flows.power`` and the others, with
  the same fake driver) run N times by a plain TaskFlow serial engine
  with TaskFlow's in-memory persistence, one after the other in this
  process, on task and node rows of a SQLite file like the service's.
  It is the ceiling of this machine for that flow with no jobboard, no
  claims, no reports and no HTTP.

``--loaded N`` adds a third row, in the same run: a fresh service
where N clients keep submitting power actions (on and off in turn, on
nodes of their own) for ``--loaded-seconds``; tasks completed per second
over that window, against the unloaded service row, says whether
accepting starves the conductors.

``--bmc-delay S`` makes every fake BMC call take S seconds (hardware
that takes seconds per call is the case that matters); the engine row
is then skipped unless ``--engine-too`` (it runs the calls one after the
other). Every task must succeed, or the run fails. Run from the
repository root::

    python tools/benchmarks/real_operations.py [--operation power] \\
        [--nodes 200] [--clients 8] [--bmc-delay 0] [--workers N] \\
        [--learn list|wait] [--rounds N]

``--rounds N`` runs every row N times in turns and prints each figure's
median and range, and each ratio's, taken round by round: one run on a
shared machine varies by about a tenth.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import warnings

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, ROOT)
warnings.simplefilter('ignore')

#: operation -> (HTTP method, path under the node, body, operation name,
#: what the node must be in first; the flow is the operation's own).
OPERATIONS = {
    'power': ('PUT', 'states/power', {'target': 'on'},
              'node.set_power_state', {}),
    'boot_device': ('PUT', 'management/boot_device',
                    {'boot_device': 'pxe', 'persistent': False},
                    'node.set_boot_device', {}),
    'deploy': ('PUT', 'states/provision', {'target': 'active'},
               'node.deploy', {}),
}
TERMINAL = 'succeeded,failed,error,cancelled'
#: Seconds a waiting client asks the service to hold its answer.
WAIT = 60


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def call(method, url, body=None, timeout=60, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers=dict(headers or {}, **{
                                         'Content-Type':
                                         'application/json'}))
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read() or b'null')


def cpu_seconds(pid):
    """User + system CPU seconds of process ``pid`` so far."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


class Service:
    """``async-api-all`` in a temporary directory, on a free port.

    :param checkout: serve the code of this directory (a checkout of
        another revision) instead of this one's.
    """

    def __init__(self, directory, workers, max_writes=0, checkout=ROOT):
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        config = os.path.join(directory, 'bench.conf')
        with open(config, 'w') as f:
            f.write('[DEFAULT]\nstate_path = %s\nhost = bench\n'
                    '[api]\nport = %d\n' % (directory, self.port))
            if max_writes:
                f.write('max_concurrent_writes = %d\n' % max_writes)
            if workers:
                f.write('[async_api_conductor]\nworkers = %d\n' % workers)
        self.log = open(os.path.join(directory, 'service.log'), 'wb')
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'async_api.baremetal.command.all',
             '--config-file', config], cwd=checkout, stdout=self.log,
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # oslo.middleware's healthcheck answers text, not JSON.
                urllib.request.urlopen(self.url + '/healthcheck',
                                       timeout=2).close()
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise RuntimeError('the service did not start; see %s'
                           % self.log.name)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _finished_since(url, since, expected, skip=()):
    """Poll the task list until ``expected`` tasks are terminal.

    Each poll asks for what changed since a second before the latest
    change the previous ones saw, as a client of many tasks would, not
    for every task finished since the start: a task's ``updated_at`` is
    taken before its commit, so one committed a little later may carry
    an earlier time, and the second of overlap finds it.
    """
    done = {}
    marker_time = since
    while len(done) < expected:
        query = ('/v1/tasks?state=%s&changes_since=%s&limit=1000&'
                 'sort_dir=asc' % (TERMINAL, marker_time))
        next_url = url + query
        latest = None
        while next_url:
            _, page = call('GET', next_url)
            for task in page['tasks']:
                if task['uuid'] not in skip:
                    done[task['uuid']] = task
                latest = max(latest or task['updated_at'],
                             task['updated_at'])
            next_url = page.get('next')
        if latest is not None:
            marker_time = max(marker_time, _second_before(latest))
        if len(done) < expected:
            time.sleep(ARGS.poll)
    return done


def _second_before(timestamp):
    """``timestamp`` (ISO 8601, as the API gives it) less one second."""
    moment = datetime.datetime.fromisoformat(timestamp.replace('Z', ''))
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(
            tzinfo=None)
    return (moment - datetime.timedelta(seconds=1)).isoformat()


def _record_power_states(url, nodes):
    """Power the nodes off once, unmeasured, so that each has a recorded
    power state, as after its first power sync: an action on a node whose
    state was never read reads it first (one more BMC call)."""
    since = datetime.datetime.utcnow().isoformat()
    for uuid in nodes:
        status, _ = call('PUT', '%s/v1/nodes/%s/states/power' % (url, uuid),
                         {'target': 'off'})
        assert status == 202, status
    done = _finished_since(url, since, len(nodes))
    assert all(t['state'] == 'succeeded' for t in done.values())


def prepare_nodes(service, args):
    """``args.nodes`` fake nodes on ``service``, ready for the operation."""
    nodes = [call('POST', service.url + '/v1/nodes',
                  {'name': 'bench-%d' % i, 'driver': 'fake'})[1]['uuid']
             for i in range(args.nodes)]
    if not args.fresh_nodes:
        _record_power_states(service.url, nodes)
    if args.bmc_delay:
        for uuid in nodes:
            call('PATCH', '%s/v1/nodes/%s' % (service.url, uuid),
                 [{'op': 'add', 'path': '/driver_info/fake_delay',
                   'value': args.bmc_delay}])
    return nodes


def run_batch(service, nodes, args, body=None):
    """One action per node from ``args.clients`` clients, until all end.

    :param body: the request body (default: the operation's own).
    :returns: figures of the batch, as :func:`service_round` prints.
    """
    method, part, default_body, _, _ = OPERATIONS[args.operation]
    body = default_body if body is None else body
    since = datetime.datetime.utcnow().isoformat()
    cpu = cpu_seconds(service.process.pid)
    started = time.perf_counter()
    waited = {}
    headers = None
    if args.learn == 'wait':
        # As `openstack ... --wait` does: the answer comes when the task
        # ends (200), or at the cap with the task still going (202, then
        # learned from the list like the others).
        headers = {'Prefer': 'wait=%d' % WAIT}

    def submit(share):
        for uuid in share:
            status, task = call(method, '%s/v1/nodes/%s/%s'
                                % (service.url, uuid, part), body,
                                timeout=WAIT + 30, headers=headers)
            assert status in (200, 202), status
            if status == 200:
                waited[task['uuid']] = task

    shares = [nodes[i::args.clients] for i in range(args.clients)]
    with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(submit, shares))
    accepted = time.perf_counter() - started
    done = dict(waited)
    if len(done) < len(nodes):
        done.update(_finished_since(service.url, since,
                                    len(nodes) - len(done),
                                    skip=set(done)))
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(service.process.pid) - cpu
    failed = [t for t in done.values() if t['state'] != 'succeeded']
    if failed:
        raise RuntimeError('%d tasks did not succeed: %s'
                           % (len(failed), failed[0]['error']))
    return {'tasks/s': len(nodes) / elapsed,
            # A waiting client's submit lasts until its task ends.
            'accepts/s': (len(nodes) / accepted if args.learn == 'list'
                          else None),
            'CPU ms/task': 1000.0 * cpu / len(nodes)}


def service_round(args, directory):
    service = Service(directory, args.workers, args.max_writes)
    try:
        return run_batch(service, prepare_nodes(service, args), args)
    finally:
        service.stop()


def loaded_round(args, directory):
    """Completions per second while ``args.loaded`` clients keep posting."""
    service = Service(directory, args.workers, args.max_writes)
    stop = threading.Event()
    posted = []
    try:
        info = {'fake_delay': args.bmc_delay} if args.bmc_delay else {}
        nodes = [call('POST', service.url + '/v1/nodes',
                      {'name': 'load-%d' % i, 'driver': 'fake',
                       'driver_info': info})[1]['uuid']
                 for i in range(args.loaded * 4)]

        def submit(share):
            count = 0
            while not stop.is_set():
                uuid = share[count % len(share)]
                target = 'on' if (count // len(share)) % 2 == 0 else 'off'
                status, _ = call('PUT', '%s/v1/nodes/%s/states/power'
                                 % (service.url, uuid), {'target': target})
                assert status == 202, status
                count += 1
            posted.append(count)

        shares = [nodes[i::args.loaded] for i in range(args.loaded)]
        threads = [threading.Thread(target=submit, args=(share,))
                   for share in shares]
        for thread in threads:
            thread.start()
        # Let the backlog build before measuring.
        time.sleep(2.0)
        since = datetime.datetime.utcnow().isoformat()
        cpu = cpu_seconds(service.process.pid)
        started = time.perf_counter()
        time.sleep(args.loaded_seconds)
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(service.process.pid) - cpu
        finished = _count_finished(service.url, since)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
        service.stop()
    return {'tasks/s': finished / elapsed,
            'accepts/s': sum(posted) / (elapsed + 2.0),
            'CPU ms/task': 1000.0 * cpu / max(finished, 1)}


def _count_finished(url, since):
    count = 0
    next_url = url + ('/v1/tasks?state=%s&changes_since=%s&limit=1000'
                      % (TERMINAL, since))
    while next_url:
        _, page = call('GET', next_url)
        count += len(page['tasks'])
        next_url = page.get('next')
    return count


def engine_round(args, directory):
    """The same flow on a plain serial engine, in-memory persistence."""
    from async_api.db import engine as db_engine

    try:
        return _engine_round(args, directory)
    finally:
        # The next round's directory gets a database of its own.
        try:
            db_engine.current().dispose()
        except RuntimeError:
            pass
        db_engine.set_database(None)


def _engine_round(args, directory):
    from taskflow import engines
    from taskflow.persistence.backends import impl_memory

    import async_api
    from async_api.baremetal import conf as service_conf
    from async_api.baremetal.db import migration as service_migration
    from async_api.baremetal.db import nodes as db_nodes
    from async_api.baremetal import hooks
    from async_api.tests import db_helpers

    # The flows read the service's global configuration, as in a
    # conductor.
    conf = service_conf.CONF
    service_conf.register_opts(conf)
    conf([], project='async_api', default_config_files=[])
    conf.set_override('state_path', directory)
    engine = async_api.setup_database(conf).engine
    async_api.upgrade_schema(engine)
    service_migration.upgrade(engine)
    hooks.register()
    _, _, body, operation, _ = OPERATIONS[args.operation]
    # The flow new jobs of the operation name, as the service runs it.
    factory = async_api.get_operation(operation).flow_factory
    module, _, function = factory.partition(':')
    build = getattr(__import__(module, fromlist=[function]), function)
    info = {'fake_delay': args.bmc_delay} if args.bmc_delay else {}
    work = []
    for i in range(args.nodes):
        node = db_nodes.create_node({
            'name': 'engine-%d' % i, 'driver': 'fake', 'driver_info': info,
            # As the service's nodes: recorded (see _record_power_states).
            'power_state': None if args.fresh_nodes else 'off'})
        task = db_helpers.create_task({
            'operation': operation, 'resource_type': 'node',
            'resource_uuid': node.uuid, 'params': body,
            'state': 'running'})
        work.append((task.uuid, node.uuid))
    backend = impl_memory.MemoryBackend({})
    cpu = time.process_time()
    started = time.perf_counter()
    for task_uuid, node_uuid in work:
        engines.run(build(), engine='serial', backend=backend,
                    store={'task_uuid': task_uuid,
                           'resource_uuid': node_uuid})
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {'tasks/s': args.nodes / elapsed, 'accepts/s': None,
            'CPU ms/task': 1000.0 * cpu / args.nodes}


def _spread(values):
    """'median' or 'median (lowest-highest)' of one or more figures."""
    values = sorted(values)
    middle = statistics.median(values)
    if len(values) == 1:
        return '%.2f' % middle
    return '%.2f (%.2f-%.2f)' % (middle, values[0], values[-1])


def show(rounds):
    """Print each row's figures: one run's, or over several rounds their
    median and range; ratios are taken round by round (each round runs
    its rows one after the other, so a slow spell of the machine hits
    both sides of a ratio alike).

    :param rounds: one ``{row name: figures}`` per round, rows in order.
    """
    names = list(rounds[0])
    print('%-10s %22s %22s %22s' % ('', 'tasks/s', 'accepts/s',
                                    'CPU ms/task'))
    for name in names:
        found = [one[name] for one in rounds]
        accepts = [row['accepts/s'] for row in found
                   if row['accepts/s'] is not None]
        print('%-10s %22s %22s %22s' % (
            name, _spread(row['tasks/s'] for row in found),
            _spread(accepts) if accepts else '-',
            _spread(row['CPU ms/task'] for row in found)))

    def ratio(top, bottom, key):
        return _spread(one[top][key] / one[bottom][key] for one in rounds)
    if 'engine' in names:
        print('service / engine tasks/s: %s'
              % ratio('service', 'engine', 'tasks/s'))
        print('service / engine CPU per task: %s'
              % ratio('service', 'engine', 'CPU ms/task'))
    if 'loaded' in names:
        print('loaded / unloaded completions per second: %s'
              % ratio('loaded', 'service', 'tasks/s'))


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--operation', choices=sorted(OPERATIONS),
                        default='power')
    parser.add_argument('--nodes', type=int, default=200)
    parser.add_argument('--clients', type=int, default=8)
    parser.add_argument('--workers', type=int, default=0,
                        help='[async_api_conductor]workers (default: the '
                             'service\'s own default)')
    parser.add_argument('--bmc-delay', type=float, default=0.0)
    parser.add_argument('--poll', type=float, default=0.2,
                        help='seconds between two task list polls')
    parser.add_argument('--learn', choices=('list', 'wait'),
                        default='list',
                        help='how clients learn that their tasks ended: '
                             'by polling the task list (default) or by '
                             'waiting for each answer (Prefer: wait)')
    parser.add_argument('--engine-too', action='store_true')
    parser.add_argument('--fresh-nodes', action='store_true',
                        help='measure on nodes whose power state was '
                             'never recorded (default: one unmeasured '
                             'power-off first)')
    parser.add_argument('--loaded', type=int, default=0,
                        help='clients that keep submitting, for the '
                             'loaded row (0: no such row)')
    parser.add_argument('--loaded-seconds', type=float, default=10.0)
    parser.add_argument('--max-writes', type=int, default=0,
                        help='[api]max_concurrent_writes (default: the '
                             'service\'s own default)')
    parser.add_argument('--rounds', type=int, default=1,
                        help='run every row this many times, in turns, '
                             'and print medians and ranges (default 1)')
    ARGS = parser.parse_args()
    if ARGS.rounds < 1:
        parser.error('--rounds must be at least 1')
    rounds = []
    for _ in range(ARGS.rounds):
        rows = {}
        with tempfile.TemporaryDirectory() as directory:
            rows['service'] = service_round(ARGS, directory)
        if not ARGS.bmc_delay or ARGS.engine_too:
            with tempfile.TemporaryDirectory() as directory:
                rows['engine'] = engine_round(ARGS, directory)
        if ARGS.loaded:
            with tempfile.TemporaryDirectory() as directory:
                rows['loaded'] = loaded_round(ARGS, directory)
        rounds.append(rows)
    print('%s on %d nodes, %d clients learning by %s, BMC delay %.2f s, '
          '%d round(s)' % (ARGS.operation, ARGS.nodes, ARGS.clients,
                           'waiting' if ARGS.learn == 'wait' else 'listing',
                           ARGS.bmc_delay, ARGS.rounds))
    show(rounds)


ARGS = None

if __name__ == '__main__':
    main()
