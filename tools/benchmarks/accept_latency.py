#!/usr/bin/env python3
"""Accept latency of the API process, with no conductor running.

Starts the real ``async-api-api`` command (after ``async-api-dbsync
upgrade``) on a SQLite file in a temporary directory, on a free port of
127.0.0.1, creates fake-driver nodes, then measures, at 1, 8 and 32
concurrent clients (threads of this process, each with its own
``requests.Session``, each sending a fixed number of requests or stopping
at a time limit):

* ``PUT /v1/nodes/{id}/states/power`` (202), without and with an
  ``Idempotency-Key`` header (a new key per request);
* ``POST /v1/nodes`` (201), without a key.

No conductor runs, so tasks only pile up: what is measured is the accept
path (validation, task row, ordering, logbook and job post; with a key,
the key's claim and stored response). Rows take turns, round after round,
and the medians are printed. Run from the repository root::

    python tools/benchmarks/accept_latency.py [--requests 300] [--rounds 3]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid

import requests

import scratch

CLIENTS = (1, 8, 32)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def write_config(directory, port):
    path = os.path.join(directory, 'api.conf')
    with open(path, 'w') as f:
        f.write('[DEFAULT]\nstate_path = %s\nhost = bench\n\n'
                '[api]\nhost_ip = 127.0.0.1\nport = %d\n' % (directory, port))
    return path


def start_api(directory):
    """(process, url) of a running async-api-api on a migrated database."""
    port = free_port()
    config = write_config(directory, port)

    def command(name):
        return [sys.executable, '-m', 'async_api.baremetal.command.' + name,
                '--config-file', config]

    subprocess.run(command('dbsync') + ['upgrade'], check=True,
                   cwd=directory, stdout=subprocess.DEVNULL)
    log = open(os.path.join(directory, 'api.log'), 'wb')
    process = subprocess.Popen(command('api'), cwd=directory, stdout=log,
                               stderr=subprocess.STDOUT)
    url = 'http://127.0.0.1:%d' % port
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError('async-api-api exited; see %s' % log.name)
        try:
            if requests.get(url + '/healthcheck', timeout=2).ok:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError('async-api-api did not answer; see %s' % log.name)


def make_nodes(directory, count):
    """Insert ``count`` fake nodes straight into the database (fast)."""
    from async_api.db import engine
    from async_api.baremetal.db import nodes as db_nodes

    database = engine.Database('sqlite:///' + os.path.join(
        directory, 'async_api.sqlite'))
    engine.set_database(database)
    try:
        return [db_nodes.create_node({'name': 'bench-%d' % i,
                                      'driver': 'fake'}).uuid
                for i in range(count)]
    finally:
        database.dispose()


def power_request(url, nodes, with_key):
    # Every request acts on a node with no task yet: the task is pending
    # and its job posted, as on an idle resource (a request behind an
    # unfinished task on its node would only be queued, posting nothing).
    fresh = iter(nodes)

    def request(session, client, i):
        node = next(fresh)
        headers = {'Idempotency-Key': str(uuid.uuid4())} if with_key else {}
        return session.put(url + '/v1/nodes/%s/states/power' % node,
                           json={'target': 'on' if i % 2 else 'off'},
                           headers=headers), 202
    return request


def create_request(url):
    def request(session, client, i):
        return session.post(url + '/v1/nodes', json={
            'name': 'bench-%s' % uuid.uuid4().hex[:12],
            'driver': 'fake'}), 201
    return request


def run(request, clients, total, time_limit):
    """(latencies in ms, requests/s) of ``clients`` threads."""
    per_client = max(1, total // clients)
    latencies = [[] for _ in range(clients)]
    errors = []
    barrier = threading.Barrier(clients + 1)
    deadline = [None]

    def client(index):
        session = requests.Session()
        request(session, index, -1)  # connect and warm up
        barrier.wait()
        for i in range(per_client):
            if time.monotonic() > deadline[0]:
                break
            started = time.perf_counter()
            reply, expected = request(session, index, i)
            latencies[index].append(1000 * (time.perf_counter() - started))
            if reply.status_code != expected:
                errors.append('%s %s' % (reply.status_code, reply.text))
        session.close()

    threads = [threading.Thread(target=client, args=(i,))
               for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + time_limit
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError('%d unexpected answers, first: %s'
                           % (len(errors), errors[0]))
    flat = sorted(x for part in latencies for x in part)
    return flat, len(flat) / elapsed


def percentile(values, share):
    return values[min(len(values) - 1, int(share * len(values)))]


def measure(directory, args):
    """(rows, results of each row per round) against a served database."""
    process, url = start_api(directory)
    try:
        # One node per power request, warm-ups included.
        nodes = make_nodes(directory, 2 * args.rounds * sum(
            args.requests + clients for clients in CLIENTS))
        rows = []
        for clients in CLIENTS:
            for with_key in (False, True):
                rows.append(('PUT states/power, %s key' % (
                    'with' if with_key else 'no'), clients,
                    power_request(url, nodes, with_key)))
        rows.append(('POST /v1/nodes, no key', 8, create_request(url)))
        results = [[] for _ in rows]
        for _ in range(args.rounds):
            for i, (_label, clients, request) in enumerate(rows):
                results[i].append(run(request, clients, args.requests,
                                      args.time_limit))
    finally:
        process.terminate()
        process.wait(30)
    return rows, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--requests', type=int, default=300,
                        help='requests per row and round, shared among the '
                             'clients (default 300)')
    parser.add_argument('--time-limit', type=float, default=30.0,
                        help='seconds a row may take per round (default 30)')
    parser.add_argument('--rounds', type=int, default=3)
    args = parser.parse_args()

    with scratch.directory('accept-bench-') as directory:
        rows, results = measure(directory, args)

    print('\nasync-api-api (its default [api]workers), '
          'SQLite file, no conductor;\nclients are threads of this process '
          '(the same 2 cores); median of %d rounds of ~%d requests per row'
          % (args.rounds, args.requests))
    header = '%-30s %7s %8s %8s %9s' % ('request', 'clients', 'p50 ms',
                                        'p99 ms', 'req/s')
    print(header)
    print('-' * len(header))
    for (label, clients, _request), runs in zip(rows, results):
        print('%-30s %7d %8.1f %8.1f %9.0f' % (
            label, clients,
            statistics.median(percentile(lat, 0.50) for lat, _ in runs),
            statistics.median(percentile(lat, 0.99) for lat, _ in runs),
            statistics.median(rate for _, rate in runs)))


if __name__ == '__main__':
    main()
