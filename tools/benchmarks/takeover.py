#!/usr/bin/env python3
"""Takeover times with the default configuration: crash and clean stop.

Runs the real commands on 127.0.0.1 (one ``async-api-api``, two
``async-api-conductor`` processes, PostgreSQL for tasks and progress) on
each board given, with no option changed but the board and the drain:

* crash: the conductor running a task's 3 s step is SIGKILLed; *takeover*
  is the time from the kill to the other conductor's first event of the
  task (the interrupted step started again), *recovery* to the task's
  success;
* stop: the conductor running a task's step that takes far longer than
  its drain (``graceful_shutdown_timeout = 2``) gets SIGTERM; *exit* is
  the time to the process's exit, *handover* to the other conductor's
  first event of the task.

Prints the median, minimum and maximum over the rounds.

    python tools/benchmarks/takeover.py [--rounds 5] \\
        [--boards sqlalchemy,redis]

Needs ASYNC_API_TEST_POSTGRESQL_URL, and ASYNC_API_TEST_REDIS_URL for the
Redis board (``source tools/test-servers.sh; start_test_servers``).
"""

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import distributed  # noqa: E402

GRACE = 2.0


def _task(deployment, session, delay):
    node = distributed._post(session, deployment.url, '/v1/nodes', {
        'driver': 'fake',
        'driver_info': {'fake_delay': {'set_power_state': delay}}})['uuid']
    return distributed._post(
        session, deployment.url, '/v1/nodes/%s/states/power' % node,
        {'target': 'on'}, method='PUT')['uuid']


def _events(deployment, session, task):
    return session.get(deployment.url + '/v1/tasks/%s/events' % task,
                       timeout=60).json()['events']


def _runner(deployment, session, task):
    while True:
        for event in _events(deployment, session, task):
            if (event['event'], event['state']) == ('power-set-state',
                                                    'started'):
                return next(p for p in deployment.processes
                            if p.name == event['host'])
        time.sleep(0.02)


def _taken_over(deployment, session, task, victim, since):
    while True:
        if any(e['host'] != victim.name
               for e in _events(deployment, session, task)):
            return time.monotonic() - since
        if time.monotonic() - since > 120:
            raise RuntimeError('No takeover within 120 s')
        time.sleep(0.02)


def crash(deployment, session):
    task = _task(deployment, session, 3.0)
    victim = _runner(deployment, session, task)
    victim.kill()
    killed = time.monotonic()
    takeover = _taken_over(deployment, session, task, victim, killed)
    while session.get(deployment.url + '/v1/tasks/' + task,
                      timeout=60).json()['state'] not in distributed.TERMINAL:
        time.sleep(0.02)
    return takeover, time.monotonic() - killed


def stop(deployment, session):
    task = _task(deployment, session, 60.0)
    victim = _runner(deployment, session, task)
    victim.process.send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    exited = handover = None
    # Both watched at once: the other conductor may take the job before
    # the stopping process has finished exiting.
    while exited is None or handover is None:
        now = time.monotonic()
        if now - stopped > 120:
            raise RuntimeError('No exit or handover within 120 s')
        if exited is None and victim.process.poll() is not None:
            exited = now - stopped
        if handover is None and any(
                e['host'] != victim.name
                for e in _events(deployment, session, task)):
            handover = now - stopped
        time.sleep(0.02)
    return exited, handover


def round_(pg, board, kind):
    database, drop = distributed._postgresql_database(pg)
    sections = {'database': {'connection': database},
                'async_api_jobboard': dict(board, board_name='bench-%s'
                                           % uuid.uuid4().hex[:8])}
    with tempfile.TemporaryDirectory() as tmp:
        deployment = Deployment(tmp, sections)
        try:
            deployment.start('api', 'api', 1)
            for i in range(2):
                process = deployment.start('conductor', 'conductor-%d' % i,
                                           1)
                deployment.wait_running(process)
            with requests.Session() as session:
                return kind(deployment, session)
        finally:
            deployment.stop()
            drop()


class Deployment(distributed.Deployment):
    """Conductors with a short drain, everything else by default."""

    def start(self, command, host, workers):
        sections = {k: dict(v) for k, v in self.sections.items()}
        sections.setdefault('DEFAULT', {}).update(
            {'state_path': self.directory, 'host': host})
        sections['api'] = {'host_ip': '127.0.0.1', 'port': self.port}
        sections['async_api_conductor'] = {
            'workers': workers, 'graceful_shutdown_timeout': GRACE}
        config = distributed.service.write_config(
            os.path.join(self.directory, '%s.conf' % host), sections)
        port = self.port if command in ('all', 'api') else None
        process = distributed.service.ServiceProcess(
            command, config, port=port, name=host)
        process.setUp()
        self.processes.append(process)
        return process


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--boards', default='sqlalchemy,redis')
    parser.add_argument('--kinds', default='crash,stop',
                        help='what to measure: crash, stop or both')
    args = parser.parse_args()
    pg = os.environ.get('ASYNC_API_TEST_POSTGRESQL_URL')
    redis_url = os.environ.get('ASYNC_API_TEST_REDIS_URL')
    if not pg:
        print('Set ASYNC_API_TEST_POSTGRESQL_URL')
        return 1
    print('default claim_expiry and renewals; graceful_shutdown_timeout '
          '%.0f s; medians (min-max) of %d rounds, seconds'
          % (GRACE, args.rounds))
    print('%-12s %18s %18s %18s %18s' % (
        'board', 'crash: takeover', 'crash: recovery', 'stop: exit',
        'stop: handover'))
    for name in args.boards.split(','):
        board = {'backend': name}
        if name == 'redis':
            if not redis_url:
                print('redis: set ASYNC_API_TEST_REDIS_URL')
                continue
            board['hosts'] = redis_url.split('//', 1)[1]
        kinds = args.kinds.split(',')
        crashes = [round_(pg, board, crash) for _ in range(args.rounds)
                   if 'crash' in kinds]
        stops = [round_(pg, board, stop) for _ in range(args.rounds)
                 if 'stop' in kinds]
        columns = [[c[0] for c in crashes], [c[1] for c in crashes],
                   [s[0] for s in stops], [s[1] for s in stops]]
        print('%-12s %s' % (name, ' '.join(
            '%18s' % ('%.1f (%.1f-%.1f)' % (statistics.median(c), min(c),
                                            max(c)) if c else '-')
            for c in columns)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
