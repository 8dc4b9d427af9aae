#!/usr/bin/env python3
"""Throughput of the SQL jobboard beside TaskFlow's Redis jobboard.

For each backend, in one run and one process: post N jobs (one transaction
each), then list the unclaimed jobs once and claim and consume each of them
(two fenced statements each). Prints posts/s and claim+consume/s.

    python tools/benchmarks/jobboard.py [--jobs 1000] \\
        [--postgresql-url URL] [--redis-url URL]

URLs default to ASYNC_API_TEST_POSTGRESQL_URL and ASYNC_API_TEST_REDIS_URL
(``source tools/test-servers.sh; start_test_servers``); a backend without a
URL is skipped. SQLite uses a fresh file in a temporary directory. On
PostgreSQL the board's tables are created if missing and the run's rows
(its own board path) are deleted afterwards.
"""

import argparse
import os
import sys
import tempfile
import time
from urllib import parse

from oslo_utils import uuidutils
import sqlalchemy as sa

from async_api.jobboard import board as sql_board
from async_api.jobboard import models


def _run(board, jobs):
    board.connect()
    try:
        start = time.perf_counter()
        for i in range(jobs):
            board.post('bench-%d' % i, details={'i': i})
        posted = time.perf_counter() - start
        start = time.perf_counter()
        done = 0
        for job in board.iterjobs(only_unclaimed=True):
            board.claim(job, 'bench')
            board.consume(job, 'bench')
            done += 1
        consumed = time.perf_counter() - start
    finally:
        board.close()
    if done != jobs:
        raise RuntimeError('claimed %d of %d jobs' % (done, jobs))
    return jobs / posted, jobs / consumed


def sql(url, jobs):
    path = 'bench-' + uuidutils.generate_uuid()[:8]
    board = sql_board.SQLAlchemyJobBoard('bench', {
        'connection': url, 'path': path, 'create_tables': True})
    try:
        return _run(board, jobs)
    finally:
        engine = sa.create_engine(url)
        table = models.JobboardJob.__table__
        with engine.begin() as conn:
            conn.execute(sa.delete(table).where(table.c.board == path))
        engine.dispose()


def redis(url, jobs):
    from taskflow.jobs.backends import impl_redis

    parts = parse.urlparse(url)
    namespace = 'bench-' + uuidutils.generate_uuid()[:8]
    board = impl_redis.RedisJobBoard('bench', {
        'host': parts.hostname or '127.0.0.1', 'port': parts.port or 6379,
        'namespace': namespace})
    try:
        return _run(board, jobs)
    finally:
        board.connect()
        client = board._client
        for key in client.scan_iter(namespace.encode() + b'*'):
            client.delete(key)
        board.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--jobs', type=int, default=1000)
    parser.add_argument(
        '--postgresql-url',
        default=os.environ.get('ASYNC_API_TEST_POSTGRESQL_URL'))
    parser.add_argument('--redis-url',
                        default=os.environ.get('ASYNC_API_TEST_REDIS_URL'))
    args = parser.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = 'sqlite:///' + os.path.join(tmp, 'bench.sqlite')
        rows.append(('SQL board, SQLite file (WAL)',
                     sql(sqlite_url, args.jobs)))
    if args.postgresql_url:
        rows.append(('SQL board, PostgreSQL',
                     sql(args.postgresql_url, args.jobs)))
    if args.redis_url:
        rows.append(('TaskFlow Redis board', redis(args.redis_url,
                                                   args.jobs)))

    width = max(len(name) for name, _ in rows)
    header = '%-*s  %10s  %16s' % (width, 'backend (%d jobs)' % args.jobs,
                                   'posts/s', 'claim+consume/s')
    print(header)
    print('-' * len(header))
    for name, (posts, consumes) in rows:
        print('%-*s  %10.0f  %16.0f' % (width, name, posts, consumes))
    return 0


if __name__ == '__main__':
    sys.exit(main())
