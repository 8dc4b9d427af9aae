#!/usr/bin/env python3
"""End-to-end throughput of deployments, and recovery after a SIGKILL.

Runs the real commands as processes on 127.0.0.1 and speaks HTTP to them:

* embedded: one ``async-api-all`` (SQLite, SQL board, conductor threads);
* distributed: one ``async-api-api`` and 1, 2 and 4 ``async-api-conductor``
  processes, on Redis (board) and PostgreSQL (tasks, flow progress).

For each, N power-on tasks on N fake nodes (one task per node, so lanes do
not serialize them) are submitted from 8 client threads; tasks/s is N over
the time from the first submission to the last terminal state. Then, on
Redis + PostgreSQL with two conductors, a conductor running a slow step is
SIGKILLed: the recovery time is from the kill to the task's success, and
the takeover time from the kill to the other conductor's first event.

    python tools/benchmarks/distributed.py [--tasks 200] \\
        [--claim-expiry 5] [--conductor-workers 2]

Needs ASYNC_API_TEST_POSTGRESQL_URL and ASYNC_API_TEST_REDIS_URL
(``source tools/test-servers.sh; start_test_servers``); without them only
the embedded deployment runs.
"""

import argparse
import concurrent.futures
import datetime
import os
import sys
import tempfile
import time
import uuid

import requests
import sqlalchemy as sa
from sqlalchemy.engine import url as sa_url

from async_api.baremetal.db import migration as baremetal_migration
from async_api.db import migration
from async_api.tests.functional import service

TERMINAL = ('succeeded', 'failed', 'error', 'cancelled')


class Deployment:
    """Processes sharing one configuration, in a scratch directory."""

    def __init__(self, directory, sections):
        self.directory = directory
        self.sections = sections
        self.port = service.free_port()
        self.processes = []

    def start(self, command, host, workers):
        sections = {k: dict(v) for k, v in self.sections.items()}
        sections.setdefault('DEFAULT', {}).update(
            {'state_path': self.directory, 'host': host})
        sections['api'] = {'host_ip': '127.0.0.1', 'port': self.port}
        sections['async_api_conductor'] = {'workers': workers}
        config = service.write_config(
            os.path.join(self.directory, '%s.conf' % host), sections)
        port = self.port if command in ('all', 'api') else None
        process = service.ServiceProcess(command, config, port=port,
                                         name=host)
        process.setUp()
        self.processes.append(process)
        return process

    def wait_running(self, process, timeout=60):
        deadline = time.monotonic() + timeout
        while 'is running' not in process.read_log():
            if time.monotonic() > deadline or process.process.poll():
                raise RuntimeError(process.read_log())
            time.sleep(0.1)

    def stop(self):
        for process in reversed(self.processes):
            process.cleanUp()
        self.processes = []

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port


def _post(session, url, path, body, method='POST'):
    response = session.request(method, url + path, json=body, timeout=60)
    if response.status_code not in (201, 202):
        raise RuntimeError('%s %s: %s %s' % (method, path,
                                             response.status_code,
                                             response.text))
    return response.json()


def throughput(deployment, tasks, bmc_delay=0.0):
    """Tasks/s of ``tasks`` power-on tasks on as many nodes.

    Completion is learnt from the task list (one filtered GET every
    50 ms), not one poll per task.
    """
    session = requests.Session()
    info = {'fake_delay': bmc_delay} if bmc_delay else {}
    nodes = [_post(session, deployment.url, '/v1/nodes',
                   {'driver': 'fake', 'driver_info': info})['uuid']
             for _ in range(tasks)]
    since = datetime.datetime.utcnow().isoformat()

    def submit(node):
        with requests.Session() as s:
            return _post(s, deployment.url,
                         '/v1/nodes/%s/states/power' % node,
                         {'target': 'on'}, method='PUT')['uuid']

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        pending = set(pool.map(submit, nodes))
    states = {}
    while pending:
        next_url = (deployment.url + '/v1/tasks?state=%s&changes_since=%s'
                    '&limit=1000' % (','.join(TERMINAL), since))
        while next_url:
            page = session.get(next_url, timeout=60).json()
            for body in page['tasks']:
                if body['uuid'] in pending:
                    states[body['state']] = states.get(body['state'], 0) + 1
                    pending.discard(body['uuid'])
            next_url = page.get('next')
        if pending:
            time.sleep(0.05)
    elapsed = time.perf_counter() - start
    return tasks / elapsed, states


def recovery(deployment, slow=3.0):
    """Seconds from SIGKILL to takeover and to success."""
    session = requests.Session()
    node = _post(session, deployment.url, '/v1/nodes', {
        'driver': 'fake',
        'driver_info': {'fake_delay': {'set_power_state': slow}}})['uuid']
    task = _post(session, deployment.url,
                 '/v1/nodes/%s/states/power' % node, {'target': 'on'},
                 method='PUT')['uuid']
    victim = None
    while victim is None:
        for event in session.get(deployment.url + '/v1/tasks/%s/events'
                                 % task).json()['events']:
            if (event['event'] == 'power-set-state'
                    and event['state'] == 'started'):
                victim = event['host']
        time.sleep(0.02)
    process = next(p for p in deployment.processes if p.name == victim)
    process.kill()
    killed = time.monotonic()
    takeover = None
    while True:
        events = session.get(deployment.url + '/v1/tasks/%s/events'
                             % task).json()['events']
        if takeover is None and any(e['host'] not in (victim, None)
                                    for e in events):
            takeover = time.monotonic() - killed
        state = session.get(deployment.url + '/v1/tasks/' + task).json()[
            'state']
        if state in TERMINAL:
            return takeover, time.monotonic() - killed, state
        time.sleep(0.02)


def _postgresql_database(server):
    name = 'bench_%s' % uuid.uuid4().hex[:12]
    admin = sa.create_engine(server, isolation_level='AUTOCOMMIT')
    with admin.connect() as conn:
        conn.execute(sa.text('CREATE DATABASE %s' % name))
    url = sa_url.make_url(server).set(database=name).render_as_string(
        hide_password=False)
    engine = sa.create_engine(url)
    migration.upgrade(engine)
    baremetal_migration.upgrade(engine)
    engine.dispose()

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS %s WITH (FORCE)'
                                 % name))
        admin.dispose()
    return url, drop


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tasks', type=int, default=200)
    parser.add_argument('--claim-expiry', type=float, default=5.0)
    parser.add_argument('--conductor-workers', type=int, default=2,
                        help='conductor threads per conductor process')
    parser.add_argument('--counts', default='1,2,4',
                        help='conductor processes to try')
    parser.add_argument('--bmc-delay', type=float, default=0.0,
                        help='seconds each fake BMC call takes')
    parser.add_argument('--no-embedded', action='store_true')
    parser.add_argument('--no-recovery', action='store_true')
    args = parser.parse_args()
    pg = os.environ.get('ASYNC_API_TEST_POSTGRESQL_URL')
    redis_url = os.environ.get('ASYNC_API_TEST_REDIS_URL')
    jobboard = {'claim_expiry': args.claim_expiry, 'poll_interval': 0.1}

    print('%d tasks, %d conductor threads per process, claim_expiry %.1f s'
          % (args.tasks, args.conductor_workers, args.claim_expiry))
    print('BMC delay %.2f s' % args.bmc_delay)
    if not args.no_embedded:
        with tempfile.TemporaryDirectory() as tmp:
            deployment = Deployment(tmp, {'async_api_jobboard':
                                          dict(jobboard)})
            try:
                deployment.start('all', 'embedded', args.conductor_workers)
                rate, states = throughput(deployment, args.tasks,
                                          args.bmc_delay)
            finally:
                deployment.stop()
            print('embedded (SQLite, SQL board, 1 process): %7.1f tasks/s %s'
                  % (rate, states))
    if not (pg and redis_url):
        print('Redis + PostgreSQL skipped: set ASYNC_API_TEST_POSTGRESQL_URL '
              'and ASYNC_API_TEST_REDIS_URL')
        return 0
    redis_hosts = redis_url.split('//', 1)[1]
    counts = [int(c) for c in args.counts.split(',')]
    rates = {}
    for count in counts + ([] if args.no_recovery else ['recovery']):
        database, drop = _postgresql_database(pg)
        board = dict(jobboard, backend='redis', hosts=redis_hosts,
                     board_name='bench-%s' % uuid.uuid4().hex[:8])
        with tempfile.TemporaryDirectory() as tmp:
            deployment = Deployment(tmp, {'database': {
                'connection': database}, 'async_api_jobboard': board})
            try:
                deployment.start('api', 'api', 1)
                hosts = 2 if count == 'recovery' else count
                for i in range(hosts):
                    deployment.wait_running(deployment.start(
                        'conductor', 'conductor-%d' % i,
                        args.conductor_workers))
                if count == 'recovery':
                    takeover, done, state = recovery(deployment)
                    print('recovery after SIGKILL (claim_expiry %.1f s): '
                          'takeover %.1f s, task %s %.1f s after the kill'
                          % (args.claim_expiry, takeover, state, done))
                else:
                    rate, states = throughput(deployment, args.tasks,
                                              args.bmc_delay)
                    rates[count] = rate
                    print('Redis + PostgreSQL, %d conductor process(es): '
                          '%7.1f tasks/s %s' % (count, rate, states))
            finally:
                deployment.stop()
                drop()
    if len(rates) > 1:
        least = min(rates)
        for count in sorted(rates):
            if count != least:
                print('%d processes / %d: %.2f' % (
                    count, least, rates[count] / rates[least]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
