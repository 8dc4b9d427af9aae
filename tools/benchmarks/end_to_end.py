#!/usr/bin/env python3
"""End-to-end tasks/s of the embedded service beside an in-memory engine.

In one process and one run, round after round:

* **service**: a ConductorService (the conductors of ``async-api-all``:
  SQL jobboard, ``asyncapi-sql`` persistence and the task table, all on
  one SQLite file in a temporary directory) runs while the library's
  ``submit()`` accepts N tasks of ``benchmark.noop3`` (flows/benchmark.py:
  three trivial steps in a linear flow), spread round robin over enough
  nodes that per-resource ordering is not the bottleneck. The rate is N
  over the time from the first submit to the last task's ``finished_at``;
  every task must have succeeded.
* **in-memory**: a plain TaskFlow serial engine with TaskFlow's memory
  backend runs the same flow N times, one logbook per flow.

Prints the median rates, and the median over the rounds of each round's
ratio of the two (target: the service at least half the in-memory rate).
``--breakdown`` adds rows with parts of the service switched off;
``--profile`` then runs one more service round under yappi (CPU clock,
all threads) and prints where the process's time goes.
Run from the repository root::

    python tools/benchmarks/end_to_end.py [--tasks 300] [--workers 1,4] \
        [--breakdown] [--profile] [--notifications log]
"""

import argparse
import contextlib
import importlib.util
import logging
import os
import statistics
import sys
import time
from unittest import mock
import warnings

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                '..', '..')))
warnings.simplefilter('ignore')

from oslo_context import context as oslo_context  # noqa: E402
from oslo_utils import timeutils  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from taskflow import engines  # noqa: E402
from taskflow.persistence.backends import impl_memory  # noqa: E402

from async_api.conductor import listeners  # noqa: E402
from async_api.conductor import service  # noqa: E402
from async_api.baremetal import conf as async_conf  # noqa: E402
from async_api.db import engine as db_engine  # noqa: E402
from async_api.db import migration  # noqa: E402
from async_api.db import models  # noqa: E402
from async_api.baremetal.db import migration as baremetal_migration  # noqa
from async_api.baremetal.db import nodes as db_nodes  # noqa: E402
from async_api.operations import registry  # noqa: E402
from async_api.common import states  # noqa: E402
from async_api.notifications import (  # noqa: E402
    service as notification_service)
from async_api.persistence import (  # noqa: E402
    factory as persistence_factory)
from async_api.tasks import submit  # noqa: E402
from flows import benchmark  # noqa: E402
import scratch  # noqa: E402


def prepare(directory, poll_interval, notifications=None):
    conf = async_conf.CONF
    async_conf.register_opts(conf)
    conf([], project='async_api', default_config_files=[])
    if notifications:
        notification_service.register_opts(conf)
        conf.set_override('driver', [notifications],
                          group='oslo_messaging_notifications')
    conf.set_override('state_path', directory)
    conf.set_override('host', 'bench')
    conf.set_override('poll_interval', poll_interval,
                      group='async_api_jobboard')
    engine = db_engine.from_conf(conf).engine
    migration.upgrade(engine)
    baremetal_migration.upgrade(engine)
    registry.register(benchmark.NOOP3)
    return conf


def memory_rate(count):
    """Flows/s of a serial engine on TaskFlow's memory backend."""
    backend = impl_memory.MemoryBackend({})
    started = time.perf_counter()
    for _ in range(count):
        engines.run(benchmark.noop3_flow(), engine='serial', backend=backend)
    return count / (time.perf_counter() - started)


def _finished(request_id):
    # One cheap query per poll: the round's tasks share a request id.
    table = models.Task.__table__
    query = sa.select(sa.func.count(), sa.func.max(table.c.finished_at),
                      sa.func.sum(sa.case(
                          (table.c.state == states.SUCCEEDED, 1),
                          else_=0))).where(
        table.c.request_id == request_id,
        table.c.state.in_(states.TERMINAL))
    with db_engine.current().engine.connect() as conn:
        return conn.execute(query).one()


def service_rate(conf, nodes, count, workers, engine, timeout=300):
    """One round on a fresh service.

    :returns: (tasks/s end to end, submits/s, process CPU ms per task).
    """
    conductors = service.ConductorService(
        conf, workers=workers, engine=engine,
        persistence=persistence_factory.persistence(conf))
    conductors.start()
    try:
        context = oslo_context.RequestContext(project_id='bench')
        first = timeutils.utcnow()
        cpu = time.process_time()
        started = time.perf_counter()
        for i in range(count):
            submit.submit(context, benchmark.NOOP3.name,
                          nodes[i % len(nodes)], {'n': i})
        submits = count / (time.perf_counter() - started)
        deadline = time.monotonic() + timeout
        while True:
            done, last, succeeded = _finished(context.request_id)
            if done == count or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        cpu = time.process_time() - cpu
    finally:
        conductors.stop(30)
    if succeeded != count:
        raise RuntimeError('%d of %d tasks succeeded (%d finished)'
                           % (succeeded or 0, count, done))
    return (count / (last - first).total_seconds(), submits,
            1000.0 * cpu / count)


@contextlib.contextmanager
def variant(name):
    """Switch off one part of the service, to see what it costs."""
    if name == 'no step reports':
        # Flow start and end are still reported (the benchmark waits for
        # them); the per-step events, step and progress writes are not.
        with mock.patch.object(listeners.TaskReporter, '_atom_event',
                               lambda *args: None):
            yield
    elif name == 'memory persistence':
        with mock.patch.object(persistence_factory, '_PERSISTENCE',
                               impl_memory.MemoryBackend({})):
            yield
    else:
        yield


VARIANTS = ('no step reports', 'memory persistence')

# Inclusive CPU time of these functions (module path suffix, qualified
# name), per task: where the process's time goes.
_BUCKETS = (
    ('submit() (accept: lanes, task row, logbook, job post)',
     'tasks/submit.py', 'submit'),
    ('conductor dispatch, all of it', 'conductor/service.py',
     'TaskConductor._dispatch_job'),
    ('  board claim()', 'jobboard/board.py', 'SQLAlchemyJobBoard.claim'),
    ('  logbook load + engine build', 'engines/helpers.py',
     'load_from_detail'),
    ('  engine run', 'conductors/backends/impl_executor.py', '_run_engine'),
    ('    TaskReporter, per-step events/step/progress',
     'conductor/listeners.py', 'TaskReporter._task_receiver'),
    ('    TaskReporter, flow start/end', 'conductor/listeners.py',
     'TaskReporter._flow_receiver'),
    ('    flow progress persistence (asyncapi-sql)', 'taskflow/storage.py',
     'Storage._with_connection'),
    ('  board consume()', 'jobboard/board.py', 'SQLAlchemyJobBoard.consume'),
    ('conductors listing claimable jobs (board wait)', 'jobboard/board.py',
     'SQLAlchemyJobBoard._fetch'),
    ('benchmark polling for the end', 'benchmarks/end_to_end.py',
     '_finished'),
)
_COUNTS = (
    ('task reports (row change + event, one transaction)', 'db/tasks.py',
     'report'),
    ('atom detail saves', 'persistence/connection.py',
     'Connection.update_atom_details'),
    ('flow detail saves', 'persistence/connection.py',
     'Connection.update_flow_details'),
    ('board claim() calls (losers included)', 'jobboard/board.py',
     'SQLAlchemyJobBoard.claim'),
    ('sqlite3 commits (all)', 'builtins',
     "<method 'commit' of 'sqlite3.Connection' objects>"),
    ('sqlite3 statements (all)', 'builtins',
     "<method 'execute' of 'sqlite3.Cursor' objects>"),
)


def profile(conf, nodes, count, workers, engine):
    """CPU time of the whole process by function (yappi, all threads)."""
    import yappi

    yappi.set_clock_type('cpu')
    yappi.start(builtins=True)
    service_rate(conf, nodes, count, workers, engine)
    yappi.stop()
    stats = list(yappi.get_func_stats())
    total = sum(t.ttot for t in yappi.get_thread_stats())
    yappi.clear_stats()

    def find(module, name):
        found = [x for x in stats if x.name == name
                 and (x.module or '').endswith(module)]
        return (sum(x.ttot for x in found), sum(x.ncall for x in found))

    print('\nProcess CPU time by part (yappi, CPU clock, all threads, %d '
          'tasks, %d conductors): %.1f ms per task under the profiler'
          % (count, workers, 1000.0 * total / count))
    for label, module, name in _BUCKETS:
        seconds, _calls = find(module, name)
        print('  %-56s %6.1f ms %4.0f%%' % (
            label, 1000.0 * seconds / count, 100.0 * seconds / total))
    for label, module, name in _COUNTS:
        print('  %-56s %6.1f per task' % (label, find(module, name)[1]
                                          / count))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--tasks', type=int, default=300,
                        help='tasks per round (default 300)')
    parser.add_argument('--nodes', type=int,
                        help='nodes the tasks are spread over, round robin '
                             '(default: one per task, so that no task '
                             'waits behind another on its node)')
    parser.add_argument('--workers', default='1,4',
                        help='conductor counts, comma-separated (default '
                             '1,4)')
    parser.add_argument('--engine', choices=('parallel', 'serial'),
                        help="conductors' engine (default "
                             '[async_api_conductor]engine, as the service)')
    parser.add_argument('--poll-interval', type=float, default=0.5,
                        help='[async_api_jobboard]poll_interval (default 0.5)')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--breakdown', action='store_true',
                        help='also run, with the most conductors, the '
                             'service without per-step reports and with '
                             'in-memory flow progress')
    parser.add_argument('--profile', action='store_true',
                        help='then profile one more round (yappi)')
    parser.add_argument('--notifications', metavar='DRIVER',
                        help='[oslo_messaging_notifications]driver (default '
                             'none: nothing recorded), e.g. log')
    args = parser.parse_args()
    if args.profile and importlib.util.find_spec('yappi') is None:
        # Say so now, not after the rounds have run.
        parser.error('--profile needs yappi: pip install yappi')
    logging.basicConfig(level=logging.ERROR)
    workers = [int(w) for w in args.workers.split(',')]

    with scratch.directory('e2e-bench-') as directory:
        measure(directory, args, workers)


def measure(directory, args, workers):
    """Run and print the rounds on a database in ``directory``."""
    conf = prepare(directory, args.poll_interval, args.notifications)
    args.nodes = args.nodes or args.tasks
    nodes = [db_nodes.create_node({'name': 'bench-%d' % i, 'driver': 'fake',
                                   'project_id': 'bench'}).uuid
             for i in range(args.nodes)]
    rows = [('%d conductor%s' % (w, 's' if w > 1 else ''), w, None)
            for w in workers]
    if args.breakdown:
        rows += [('%d, %s' % (workers[-1], name), workers[-1], name)
                 for name in VARIANTS]
    memory_rate(20)
    service_rate(conf, nodes, 20, 1, args.engine)
    memory, results = [], [[] for _ in rows]
    for _ in range(args.rounds):
        memory.append(memory_rate(args.tasks))
        for i, (_label, w, name) in enumerate(rows):
            with variant(name):
                results[i].append(service_rate(conf, nodes, args.tasks, w,
                                               args.engine))
    mem = statistics.median(memory)
    print('\n%d tasks of a 3-step linear flow per round on %d nodes, median '
          'of %d rounds;\none process, SQLite file (WAL, synchronous=NORMAL)'
          ', %s engines' % (args.tasks, args.nodes, args.rounds,
                            args.engine or conf.async_api_conductor.engine))
    header = '%-48s %8s %9s %11s %9s' % (
        '', 'tasks/s', 'vs memory', 'CPU ms/task', 'submits/s')
    print(header)
    print('-' * len(header))
    print('%-48s %8.1f %8.0f%% %11.1f %9s' % (
        'TaskFlow serial engine + memory backend', mem, 100, 1000.0 / mem,
        '-'))
    for (label, _w, _name), runs in zip(rows, results):
        rate = statistics.median(r[0] for r in runs)
        # The median of each round's ratio: the machine's speed drifts
        # between rounds, the ratio within one round much less.
        ratio = statistics.median(r[0] / m for r, m in zip(runs, memory))
        print('%-48s %8.1f %8.0f%% %11.1f %9.0f' % (
            'service, ' + label, rate, 100 * ratio,
            statistics.median(r[2] for r in runs),
            statistics.median(r[1] for r in runs)))
    print('(memory engine: %s flows/s over the rounds; service, %s: %s)' % (
        ', '.join('%.0f' % r for r in memory), rows[-1][0] if not
        args.breakdown else rows[len(workers) - 1][0],
        ', '.join('%.1f' % r[0] for r in results[len(workers) - 1])))
    if args.profile:
        profile(conf, nodes, args.tasks, workers[-1], args.engine)


if __name__ == '__main__':
    main()
