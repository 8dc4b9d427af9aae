"""Bulk rows of finished tasks, for the retention tests and benchmark.

Each task gets ``events`` step events and the logbook a posted task has
(one flow detail, ``atoms`` atom details), under the UUIDs
:func:`async_api.tasks.posting.book_uuid` derives from the task's. Rows
go in with one multi-row INSERT per table per chunk.
"""

import datetime
import uuid as uuid_lib

from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.common import states
from async_api.db import direct
from async_api.db import models
from async_api.persistence import models as flow_models
from async_api.tasks import posting


def _uuid():
    return str(uuid_lib.uuid4())


def insert_tasks(engine, count, state=states.SUCCEEDED, age_days=60.0,
                 events=4, atoms=3, chunk=2000):
    """Insert ``count`` tasks in ``state``; returns their UUIDs.

    A terminal task finished ``age_days`` ago; an unfinished one has no
    ``finished_at`` (and was created that long ago).
    """
    then = timeutils.utcnow() - datetime.timedelta(days=age_days)
    finished = then if state in states.TERMINAL else None
    uuids = []
    tasks_table = models.Task.__table__
    for start in range(0, count, chunk):
        size = min(chunk, count - start)
        tasks, events_rows, books, flows, atom_rows = [], [], [], [], []
        for _ in range(size):
            task_uuid = _uuid()
            uuids.append(task_uuid)
            tasks.append(direct.with_defaults(tasks_table, {
                'uuid': task_uuid, 'operation': 'node.set_power_state',
                'resource_type': 'node', 'resource_uuid': _uuid(),
                'state': state, 'params': {'target': 'on'},
                'created_at': then, 'updated_at': then,
                'started_at': then, 'finished_at': finished}))
            for i in range(events):
                events_rows.append({
                    'task_uuid': task_uuid, 'event': 'step-%d' % (i // 2),
                    'state': ('started', 'succeeded')[i % 2], 'time': then,
                    'host': 'bench', 'details': {}, 'traceback': None})
            book = posting.book_uuid(task_uuid)
            flow = _uuid()
            books.append({'uuid': book, 'name': task_uuid, 'meta': {},
                          'created_at': then, 'updated_at': then})
            flows.append({'uuid': flow, 'parent_uuid': book,
                          'name': 'node.set_power_state', 'state': 'SUCCESS',
                          'meta': {}, 'created_at': then,
                          'updated_at': then})
            for i in range(atoms):
                atom_rows.append({
                    'uuid': _uuid(), 'parent_uuid': flow,
                    'name': 'step-%d' % i, 'atom_type': 'TASK_DETAIL',
                    'version': '1.0', 'state': 'SUCCESS',
                    'intention': 'EXECUTE', 'meta': {}, 'results': None,
                    'failure': None, 'revert_results': None,
                    'revert_failure': None, 'created_at': then,
                    'updated_at': then})
        for row in tasks:
            row.pop('id', None)
        with engine.begin() as conn:
            conn.execute(sa.insert(tasks_table), tasks)
            if events_rows:
                conn.execute(sa.insert(models.TaskEvent.__table__),
                             events_rows)
            conn.execute(sa.insert(flow_models.logbooks), books)
            conn.execute(sa.insert(flow_models.flow_details), flows)
            if atom_rows:
                conn.execute(sa.insert(flow_models.atom_details), atom_rows)
    return uuids


def counts(engine):
    """Rows per table: tasks, events, logbooks, flows, atoms."""
    tables = (models.Task.__table__, models.TaskEvent.__table__,
              flow_models.logbooks, flow_models.flow_details,
              flow_models.atom_details)
    with engine.connect() as conn:
        return tuple(conn.execute(sa.select(sa.func.count()).select_from(
            table)).scalar() for table in tables)
