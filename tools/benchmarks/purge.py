#!/usr/bin/env python3
"""Purge rate of finished tasks, with their events and flow logbooks.

Bulk-inserts N finished tasks (default 100,000), each with 4 step events
and a logbook of one flow and 3 atoms (the rows a posted power task
leaves), plus 1,000 unfinished ones, then times
:func:`async_api.purge_tasks` deleting the finished ones in batches and
checks that the unfinished ones are all still there. Prints tasks/s per
database and batch size.

    python tools/benchmarks/purge.py [--tasks 100000] \\
        [--batch-size 500] [--postgresql-url URL]

The PostgreSQL URL defaults to ASYNC_API_TEST_POSTGRESQL_URL (``source
tools/test-servers.sh; start_test_servers``); without one only SQLite
runs (a fresh file in a temporary directory). On PostgreSQL a scratch
database is created and dropped.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid

import sqlalchemy as sa

import async_api
from async_api.common import states
from async_api.db import engine as db_engine
from async_api.tests import db_fixtures
from async_api.tests import retention_rows

UNFINISHED = 1000


def _run(url, tasks, batch_sizes):
    rows = []
    for batch_size in batch_sizes:
        database = db_engine.Database(url)
        db_fixtures.migrate(database.engine)
        db_engine.set_database(database)
        try:
            start = time.perf_counter()
            retention_rows.insert_tasks(database.engine, tasks)
            retention_rows.insert_tasks(database.engine, UNFINISHED,
                                        state=states.RUNNING)
            filled = time.perf_counter() - start
            start = time.perf_counter()
            purged = async_api.purge_tasks(30, batch_size=batch_size)
            took = time.perf_counter() - start
            left = retention_rows.counts(database.engine)
            assert purged == tasks, (purged, tasks)
            assert left[0] == UNFINISHED, left
            rows.append((batch_size, purged, filled, took, purged / took))
        finally:
            database.dispose()
            db_engine.set_database(None)
    return rows


def _postgresql_database(server_url):
    """A scratch database on the server; returns (url, drop)."""
    name = 'bench_purge_%s' % uuid.uuid4().hex[:8]
    admin = sa.create_engine(server_url, isolation_level='AUTOCOMMIT')
    with admin.connect() as conn:
        conn.execute(sa.text('CREATE DATABASE %s' % name))
    url = sa.engine.make_url(server_url).set(database=name)

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE %s' % name))
        admin.dispose()
    return url.render_as_string(hide_password=False), drop


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--tasks', type=int, default=100000)
    parser.add_argument('--batch-size', type=int, action='append',
                        help='repeat for several (default: 500)')
    parser.add_argument('--postgresql-url',
                        default=os.environ.get(
                            'ASYNC_API_TEST_POSTGRESQL_URL'))
    args = parser.parse_args()
    batch_sizes = args.batch_size or [500]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for batch_size in batch_sizes:
            path = os.path.join(tmp, 'purge-%d.sqlite' % batch_size)
            results += [('sqlite',) + row for row in _run(
                'sqlite:///' + path, args.tasks, [batch_size])]
    if args.postgresql_url:
        for batch_size in batch_sizes:
            url, drop = _postgresql_database(args.postgresql_url)
            try:
                results += [('postgresql',) + row for row in _run(
                    url, args.tasks, [batch_size])]
            finally:
                drop()
    print('%-11s %6s %8s %9s %9s %9s' % ('database', 'batch', 'tasks',
                                         'fill s', 'purge s', 'tasks/s'))
    for database, batch, purged, filled, took, rate in results:
        print('%-11s %6d %8d %9.1f %9.1f %9.0f'
              % (database, batch, purged, filled, took, rate))
    return 0


if __name__ == '__main__':
    sys.exit(main())
