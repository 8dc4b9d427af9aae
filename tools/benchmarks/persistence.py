#!/usr/bin/env python3
"""Flows per second of one 3-task linear flow on TaskFlow persistence backends.

Runs the same flow with a serial engine, one logbook per flow as a conductor
does, on:

* TaskFlow's memory backend (and no backend at all, for reference);
* TaskFlow's own SQLAlchemy backend on a SQLite file;
* async_api's backend on a SQLite file (synchronous NORMAL and FULL);
* with ``--postgresql URL`` (a server URL; a scratch database is created
  and dropped): async_api's backend and TaskFlow's own on PostgreSQL.

Then profiles TaskFlow's SQLAlchemy backend on SQLite and prints where its
time per flow goes. Run from the repository root::

    python tools/benchmarks/persistence.py [--flows 300] [--postgresql URL]
"""

import argparse
import contextlib
import cProfile
import os
import pstats
import statistics
import sys
import time
import uuid
import warnings

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                '..', '..')))
warnings.simplefilter('ignore')

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import url as sa_url  # noqa: E402
from taskflow import engines  # noqa: E402
from taskflow.patterns import linear_flow  # noqa: E402
from taskflow.persistence.backends import impl_memory  # noqa: E402
from taskflow.persistence.backends import impl_sqlalchemy  # noqa: E402
from taskflow import task  # noqa: E402

from async_api.persistence import backend as p_backend  # noqa: E402
import scratch  # noqa: E402


class Step(task.Task):
    def execute(self):
        return self.name


def make_flow():
    return linear_flow.Flow('bench').add(Step('a'), Step('b'), Step('c'))


def run_flows(backend, count):
    """Flows per second over ``count`` runs (each in its own logbook)."""
    started = time.perf_counter()
    for _ in range(count):
        engines.run(make_flow(), engine='serial', backend=backend)
    return count / (time.perf_counter() - started)


def measure(candidates, rounds):
    """Median flows/s of each (label, backend, flows per round).

    The backends take turns, round after round, so that load from other
    processes on the machine falls on all of them alike.
    """
    for _label, backend, _count in candidates:
        if backend is not None:
            with contextlib.closing(backend.get_connection()) as conn:
                conn.upgrade()
        run_flows(backend, 5)
    rates = [[] for _ in candidates]
    for _ in range(rounds):
        for i, (_label, backend, count) in enumerate(candidates):
            rates[i].append(run_flows(backend, count))
    return [(label, statistics.median(rate))
            for (label, _b, _c), rate in zip(candidates, rates)]


@contextlib.contextmanager
def scratch_postgresql(server_url):
    name = 'bench_' + uuid.uuid4().hex[:12]
    admin = sa.create_engine(server_url, isolation_level='AUTOCOMMIT')
    with admin.connect() as conn:
        conn.execute(sa.text('CREATE DATABASE %s' % name))
    try:
        yield sa_url.make_url(server_url).set(database=name).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS %s WITH (FORCE)'
                                 % name))
        admin.dispose()


def taskflow_sql(url):
    return impl_sqlalchemy.SQLAlchemyBackend({'connection': url})


def ours(url, **options):
    return p_backend.SQLBackend(dict(options, connection=url))


def sqlite_pragmas(backend):
    with backend.engine.connect() as conn:
        return {name: conn.exec_driver_sql('PRAGMA %s' % name).scalar()
                for name in ('journal_mode', 'synchronous')}


# Where TaskFlow's backend spends its time: (label, matcher on the
# (file, line, function) keys of cProfile's statistics).
_BUCKETS = (
    ('Table objects rebuilt per get_connection() (tables.fetch)',
     lambda f, fn: f.endswith('sqlalchemy/tables.py') and fn == 'fetch'),
    ('SQL compiled again (new Tables defeat the compiled cache)',
     lambda f, fn: f.endswith('sql/elements.py') and fn == '_compiler'),
    ('sqlite3 commit (rollback journal, synchronous=FULL: fsyncs)',
     lambda f, fn: fn == "<method 'commit' of 'sqlite3.Connection' "
                         "objects>"),
    ('sqlite3 statements (incl. journal writes)',
     lambda f, fn: fn == "<method 'execute' of 'sqlite3.Cursor' objects>"),
    ('sqlite3 connect + close (NullPool: a new connection per call)',
     lambda f, fn: fn in ('<built-in method _sqlite3.connect>',
                          "<method 'close' of 'sqlite3.Connection' "
                          "objects>")),
)
_COUNTS = (
    ('get_connection() calls',
     ('impl_sqlalchemy.py', 'persistence/backend.py'), 'get_connection'),
    ('transactions committed', None,
     "<method 'commit' of 'sqlite3.Connection' objects>"),
    ('SQL statements', None,
     "<method 'execute' of 'sqlite3.Cursor' objects>"),
)


def profile(backend, count):
    """Per-flow milliseconds and call counts of TaskFlow's SQL backend."""
    run_flows(backend, 5)
    profiler = cProfile.Profile()
    profiler.enable()
    run_flows(backend, count)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = pstats.Stats(profiler).total_tt
    rows = []
    for label, match in _BUCKETS:
        seconds = sum(value[3] for (f, _line, fn), value in stats.items()
                      if match(f, fn))
        rows.append((label, 1000.0 * seconds / count, seconds / total))
    counts = []
    for label, suffix, name in _COUNTS:
        calls = sum(value[1] for (f, _line, fn), value in stats.items()
                    if fn == name and (suffix is None or f.endswith(suffix)))
        counts.append((label, calls / count))
    return 1000.0 * total / count, rows, counts


def print_table(results, memory_rate):
    print('\n%-52s %9s %10s' % ('backend (3-task flow, serial engine)',
                                'flows/s', 'vs memory'))
    print('-' * 73)
    for label, rate in results:
        print('%-52s %9.1f %9.0f%%' % (label, rate,
                                       100.0 * rate / memory_rate))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--flows', type=int, default=300,
                        help='flows per fast backend, over all rounds '
                             '(default 300)')
    parser.add_argument('--slow-flows', type=int, default=30,
                        help="flows on TaskFlow's SQL backend (default 30)")
    parser.add_argument('--postgresql',
                        default=os.environ.get(
                            'ASYNC_API_TEST_POSTGRESQL_URL'),
                        help='PostgreSQL server URL (default: '
                             '$ASYNC_API_TEST_POSTGRESQL_URL)')
    parser.add_argument('--rounds', type=int, default=5,
                        help='turns each backend takes (default 5)')
    parser.add_argument('--no-profile', action='store_true')
    args = parser.parse_args()

    with scratch.directory('persistence-bench-') as directory:
        compare(directory, args)


def compare(directory, args):
    """Measure and print each backend, SQLite files in ``directory``."""
    def sqlite(name):
        return 'sqlite:///' + os.path.join(directory, name + '.sqlite')

    fast, slow = args.flows // args.rounds, args.slow_flows // args.rounds
    tf_sqlite = taskflow_sql(sqlite('taskflow'))
    mine = ours(sqlite('ours'))
    mine_full = ours(sqlite('ours-full'), sqlite_synchronous='FULL')
    candidates = [
        ('(a) TaskFlow memory backend', impl_memory.MemoryBackend({}),
         fast),
        ('    no persistence backend at all', None, fast),
        ("(b) TaskFlow's SQLAlchemy backend, SQLite", tf_sqlite, slow),
        ('(c) asyncapi-sql, SQLite WAL synchronous=NORMAL', mine, fast),
        ('    asyncapi-sql, SQLite WAL synchronous=FULL', mine_full, fast),
    ]
    with contextlib.ExitStack() as stack:
        if args.postgresql:
            url = stack.enter_context(scratch_postgresql(args.postgresql))
            pg, tf_pg = ours(url), taskflow_sql(url)
            stack.callback(pg.close)
            stack.callback(tf_pg.close)
            candidates += [
                ('(d) asyncapi-sql, PostgreSQL', pg, fast),
                ("    TaskFlow's SQLAlchemy backend, PostgreSQL", tf_pg,
                 slow)]
        results = measure(candidates, args.rounds)
    memory_rate = results[0][1]
    print_table(results, memory_rate)
    print('\nSQLite settings: TaskFlow %s; asyncapi-sql %s'
          % (sqlite_pragmas(tf_sqlite), sqlite_pragmas(mine)))

    if not args.no_profile:
        for name, backend in (("TaskFlow's SQLAlchemy backend", tf_sqlite),
                              ('asyncapi-sql', mine)):
            total, rows, counts = profile(backend, args.slow_flows)
            print('\nProfile of %s on SQLite (cProfile, %d flows): '
                  '%.1f ms per flow under the profiler'
                  % (name, args.slow_flows, total))
            for label, ms, share in rows:
                print('  %-62s %6.1f ms %4.0f%%' % (label, ms, 100 * share))
            for label, per_flow in counts:
                print('  %-62s %6.1f per flow' % (label, per_flow))
    for backend in (tf_sqlite, mine, mine_full):
        backend.close()


if __name__ == '__main__':
    main()
