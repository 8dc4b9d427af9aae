#!/usr/bin/env python3
"""End-to-end tasks/s through the lanes: one resource, then many.

In one process (the embedded deployment: conductors, SQL jobboard,
``asyncapi-sql`` persistence and the task table on one SQLite file in a
temporary directory), ``submit()`` accepts N tasks of ``benchmark.noop3``
(flows/benchmark.py: three trivial steps), spread round robin over R
resources, while a ConductorService with W workers runs them. The rate is
N over the time from the first submit to the last task's ``finished_at``;
every task must have succeeded.

With 1 resource the tasks run strictly one after another (each waits for
the one before to finish, then for its promotion and post): this is the
cost of the ordering guarantee. With 100 resources the lanes run side by
side. Run from the repository root::

    python tools/benchmarks/lanes.py [--tasks 200] [--workers 4] \\
        [--resources 1,100]
"""

import argparse
import os
import sys
import tempfile
import time
import warnings

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                '..', '..')))
warnings.simplefilter('ignore')

from oslo_context import context as oslo_context  # noqa: E402
from oslo_utils import timeutils  # noqa: E402
from oslo_utils import uuidutils  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from async_api.conductor import service  # noqa: E402
from async_api.baremetal import conf as async_conf  # noqa: E402
from async_api.db import engine as db_engine  # noqa: E402
from async_api.db import migration  # noqa: E402
from async_api.db import models  # noqa: E402
from async_api.operations import registry  # noqa: E402
from async_api.common import states  # noqa: E402
from async_api.persistence import (  # noqa: E402
    factory as persistence_factory)
from async_api.tasks import submit  # noqa: E402
from flows import benchmark  # noqa: E402


def prepare(directory, tasks):
    conf = async_conf.CONF
    conf([], project='async_api', default_config_files=[])
    conf.set_override('state_path', directory)
    conf.set_override('host', 'bench')
    conf.set_override('poll_interval', 0.05, group='async_api_jobboard')
    # Every task of the 1-resource round queues on one lane.
    conf.set_override('max_queued_per_resource', tasks,
                      group='async_api_lanes')
    migration.upgrade(db_engine.from_conf(conf).engine)
    registry.register(benchmark.NOOP3)
    return conf


def _progress(request_id):
    table = models.Task.__table__
    query = sa.select(
        sa.func.count(), sa.func.max(table.c.finished_at),
        sa.func.sum(sa.case((table.c.state == states.SUCCEEDED, 1),
                            else_=0))).where(
        table.c.request_id == request_id,
        table.c.state.in_(states.TERMINAL))
    with db_engine.current().engine.connect() as conn:
        return conn.execute(query).one()


def rate(conf, resources, count, workers, timeout=600):
    """Tasks/s end to end for ``count`` tasks over ``resources`` lanes."""
    lanes = [uuidutils.generate_uuid() for _ in range(resources)]
    conductors = service.ConductorService(
        conf, workers=workers,
        persistence=persistence_factory.persistence(conf))
    conductors.start()
    try:
        context = oslo_context.RequestContext(project_id='bench')
        first = timeutils.utcnow()
        for i in range(count):
            submit.submit(context, benchmark.NOOP3.name,
                          lanes[i % resources], {'n': i})
        deadline = time.monotonic() + timeout
        while True:
            done, last, succeeded = _progress(context.request_id)
            if done == count or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    finally:
        conductors.stop(30)
    if succeeded != count:
        raise RuntimeError('%d of %d tasks succeeded (%d finished)'
                           % (succeeded or 0, count, done))
    return count / (last - first).total_seconds()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tasks', type=int, default=200)
    parser.add_argument('--workers', type=int, default=4)
    parser.add_argument('--resources', default='1,100',
                        help='comma-separated numbers of resources')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        conf = prepare(directory, args.tasks)
        print('%d tasks of benchmark.noop3, %d conductor workers, SQLite'
              % (args.tasks, args.workers))
        for resources in (int(r) for r in args.resources.split(',')):
            print('%4d resource(s): %7.1f tasks/s end to end'
                  % (resources, rate(conf, resources, args.tasks,
                                     args.workers)), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
