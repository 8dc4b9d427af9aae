#!/usr/bin/env python3
"""Accept latency and throughput of each way of serving the API, beside a
ceiling measured in the same run.

For each deployment (``async-api-api`` with 1 and with 2 workers,
``async-api-all``) the real command serves a fresh SQLite file on a free
port of 127.0.0.1; at 1, 8 and 32 concurrent clients (threads of this
process, each on one kept-alive ``http.client`` connection) each client
sends ``PUT /v1/nodes/{id}/states/power`` (202) for a time, each on a node
with no task yet, so that every request takes the whole accept path
(validation, task row, logbook, job post). Printed: p50 and p99 latency,
requests/s, and requests/s as a share of the ceiling.

The ceiling is a bare WSGI app on the same server (waitress, same
threads and options) that commits one SQLite INSERT per request through
the service's own database class: what the server and the database
allow, without the API. Targets: at 32 clients p99 <= 4 x p50 and
requests/s >= 0.5 x the ceiling.

Also printed: the CPU (user + system, from /proc) the deployment's
processes spent per request, and the ceiling's as a share of it, the
capacity per core that requests/s shows only when the machine is quiet.
For ``async-api-all`` it includes its conductors running the tasks it
accepted.

Run from the repository root::

    python tools/benchmarks/accept.py [--seconds 5] [--rounds 1]
        [--option api.auth_strategy=http_basic ...] [--basic-auth u:p]

``--option SECTION.KEY=VALUE`` adds to every deployment's configuration
(for an authentication strategy, with ``--basic-auth`` for the requests).
"""

import argparse
import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

from real_operations import cpu_seconds
import scratch

CLIENTS = (1, 8, 32)
DEPLOYMENTS = (
    ('ceiling: bare app + INSERT', 'ceiling', {}),
    ('async-api-api, 1 worker', 'api', {'workers': 1}),
    ('async-api-api, 2 workers', 'api', {'workers': 2}),
    ('async-api-all', 'all', {}),
)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def write_config(directory, port, api, options):
    sections = {'DEFAULT': {'state_path': directory, 'host': 'bench'},
                'api': {'host_ip': '127.0.0.1', 'port': port}}
    sections['api'].update(api)
    for option in options:
        name, value = option.split('=', 1)
        section, key = name.rsplit('.', 1)
        sections.setdefault(section, {})[key] = value
    path = os.path.join(directory, 'bench.conf')
    with open(path, 'w') as f:
        for section, values in sections.items():
            f.write('[%s]\n' % section)
            f.writelines('%s = %s\n' % item for item in values.items())
    return path


def serve_ceiling(config):
    """The ceiling's server process (``--serve-ceiling``)."""
    import sqlalchemy as sa

    from async_api.baremetal.command import signals
    from async_api.baremetal import config as bm_config
    from async_api.baremetal import wsgi_server
    from async_api.db import engine

    conf = bm_config.prepare(['--config-file', config], 'bench-ceiling')
    database = engine.from_conf(conf)
    with database.writer.using() as session:
        session.execute(sa.text('CREATE TABLE IF NOT EXISTS bench_ceiling '
                                '(id INTEGER PRIMARY KEY, body TEXT)'))
    insert = sa.text('INSERT INTO bench_ceiling (body) VALUES (:body)')

    def app(environ, start_response):
        length = int(environ.get('CONTENT_LENGTH') or 0)
        body = environ['wsgi.input'].read(length)
        with database.writer.using() as session:
            session.execute(insert, {'body': body.decode()})
        answer = b'{"state": "pending"}'
        start_response('202 Accepted', [
            ('Content-Type', 'application/json'),
            ('Content-Length', str(len(answer)))])
        return [answer]

    server = wsgi_server.WSGIServer(app, conf.api.host_ip, conf.api.port,
                                    conf)
    server.start()
    signals.wait_for_stop()
    server.stop()


def start(kind, directory, api, options, checkout=None):
    """(process, port) of a running deployment.

    :param checkout: serve the code of this directory (a checkout of
        another revision) instead of this one's.
    """
    port = free_port()
    config = write_config(directory, port, api, options)
    if kind == 'ceiling':
        argv = [sys.executable, os.path.abspath(__file__),
                '--serve-ceiling', config]
    else:
        if kind == 'api':
            subprocess.run(
                [sys.executable, '-m', 'async_api.baremetal.command.dbsync',
                 '--config-file', config, 'upgrade'],
                check=True, stdout=subprocess.DEVNULL, cwd=checkout)
        argv = [sys.executable, '-m', 'async_api.baremetal.command.' + kind,
                '--config-file', config]
    log = open(os.path.join(directory, 'server.log'), 'wb')
    # "python -m" looks in its working directory first.
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                               cwd=checkout)
    path = '/' if kind == 'ceiling' else '/healthcheck'
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError('%s exited; see %s' % (kind, log.name))
        try:
            conn = http.client.HTTPConnection('127.0.0.1', port, timeout=2)
            conn.request('GET', path)
            conn.getresponse().read()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError('%s did not answer; see %s' % (kind, log.name))


def make_nodes(directory, count):
    """Insert ``count`` fake nodes straight into the database."""
    from async_api.baremetal.db import nodes as db_nodes
    from async_api.db import engine

    database = engine.Database('sqlite:///' + os.path.join(
        directory, 'async_api.sqlite'))
    engine.set_database(database)
    try:
        return [db_nodes.create_node({'name': 'bench-%d' % i,
                                      'driver': 'fake'}).uuid
                for i in range(count)]
    finally:
        database.dispose()
        engine.set_database(None)


def run(port, clients, seconds, paths, headers):
    """(sorted latencies in ms, requests/s) of ``clients`` threads."""
    latencies = [[] for _ in range(clients)]
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    stop_at = [None]

    def client(index):
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
        barrier.wait()
        while time.monotonic() < stop_at[0]:
            with lock:
                if not paths:
                    break
                path = paths.pop()
            body = json.dumps({'target': 'on'})
            started = time.perf_counter()
            conn.request('PUT', path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read()
            latencies[index].append(1000 * (time.perf_counter() - started))
            if response.status != 202:
                errors.append('%d %s' % (response.status, text[:200]))
        conn.close()

    threads = [threading.Thread(target=client, args=(i,))
               for i in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + seconds
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError('%d unexpected answers, first: %s'
                           % (len(errors), errors[0]))
    flat = sorted(x for part in latencies for x in part)
    if not paths:
        print('warning: out of fresh nodes after %d requests; raise '
              '--nodes' % len(flat), file=sys.stderr)
    return flat, len(flat) / elapsed


def tree_cpu_seconds(pid):
    """CPU seconds of process ``pid`` and of its descendants (workers)."""
    total = cpu_seconds(pid)
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            children = [int(child) for child in f.read().split()]
    except OSError:
        children = []
    for child in children:
        try:
            total += tree_cpu_seconds(child)
        except OSError:
            pass  # Gone since listed.
    return total


def timed_run(pid, *args):
    """run() with the CPU ms per request of ``pid``'s processes."""
    cpu = tree_cpu_seconds(pid)
    latencies, rate = run(*args)
    cpu = tree_cpu_seconds(pid) - cpu
    return latencies, rate, 1000.0 * cpu / max(len(latencies), 1)


def percentile(values, share):
    return values[min(len(values) - 1, int(share * len(values)))]


def measure(label, kind, api, args, headers):
    with scratch.directory('accept-bench-') as directory:
        return _measure(directory, label, kind, api, args, headers)


def _measure(directory, label, kind, api, args, headers):
    process, port = start(kind, directory, api, args.option)
    try:
        if kind == 'ceiling':
            paths = ['/ceiling'] * 10 ** 6
        else:
            paths = ['/v1/nodes/%s/states/power' % node
                     for node in make_nodes(directory, args.nodes)]
        rows = []
        for clients in CLIENTS:
            rounds = [timed_run(process.pid, port, clients, args.seconds,
                                paths, headers)
                      for _ in range(args.rounds)]
            if not all(latencies for latencies, _rate, _cpu in rounds):
                raise SystemExit('accept.py: no fresh node left for %s at '
                                 '%d clients; raise --nodes'
                                 % (label, clients))
            rows.append((label, clients,
                         statistics.median(percentile(r[0], 0.5)
                                           for r in rounds),
                         statistics.median(percentile(r[0], 0.99)
                                           for r in rounds),
                         statistics.median(r[1] for r in rounds),
                         statistics.median(r[2] for r in rounds)))
        return rows
    finally:
        process.terminate()
        process.wait(60)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seconds', type=float, default=5.0,
                        help='seconds per row and round (default 5)')
    parser.add_argument('--rounds', type=int, default=1)
    parser.add_argument('--nodes', type=int, default=3000,
                        help='fresh nodes per deployment (default 3000)')
    parser.add_argument('--option', action='append', default=[],
                        metavar='SECTION.KEY=VALUE')
    parser.add_argument('--basic-auth', metavar='USER:PASSWORD')
    parser.add_argument('--serve-ceiling', metavar='CONFIG',
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_ceiling:
        return serve_ceiling(args.serve_ceiling)

    headers = {'Content-Type': 'application/json'}
    if args.basic_auth:
        headers['Authorization'] = 'Basic ' + base64.b64encode(
            args.basic_auth.encode()).decode()
    rows = []
    for label, kind, api in DEPLOYMENTS:
        rows.extend(measure(label, kind, api, args, headers))
    ceiling = {clients: (rate, cpu)
               for label, clients, _, _, rate, cpu in rows
               if label.startswith('ceiling')}

    print('\nPUT states/power (202) on fresh nodes, SQLite file; clients '
          'are threads of this process (same cores); %s s per row, median '
          'of %d round(s)%s' % (args.seconds, args.rounds,
                                ', options: ' + ' '.join(args.option)
                                if args.option else ''))
    header = '%-28s %7s %8s %8s %7s %7s %9s %8s %9s' % (
        'deployment', 'clients', 'p50 ms', 'p99 ms', 'p99/p50', 'req/s',
        '/ceiling', 'CPU ms', 'ceil./CPU')
    print(header)
    print('-' * len(header))
    for label, clients, p50, p99, rate, cpu in rows:
        top_rate, top_cpu = ceiling[clients]
        print('%-28s %7d %8.1f %8.1f %7.1f %7.0f %9.2f %8.2f %9.2f' % (
            label, clients, p50, p99, p99 / p50, rate, rate / top_rate,
            cpu, top_cpu / cpu if cpu else float('nan')))


if __name__ == '__main__':
    sys.exit(main())
