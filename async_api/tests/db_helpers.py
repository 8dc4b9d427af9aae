"""Task rows written directly, for tests that need them set up."""

from oslo_utils import uuidutils

from async_api.db import engine
from async_api.db import models
from async_api.db import tasks as db_tasks


def create_task(values):
    """Insert a task row; returns it detached from its session."""
    values = dict(values)
    values.setdefault('uuid', uuidutils.generate_uuid())
    task = models.Task(**values)
    with engine.current().writer.using() as session:
        session.add(task)
        session.flush()
        session.expunge(task)
    return task


def add_event(task_uuid, event, state, host=None, details=None,
              traceback=None, fence=None):
    """Record one step transition of a task (see ``db_tasks.report``).

    :param fence: as for ``db_tasks.update_task``: the event is refused
        with ``db_tasks.FencedOff`` unless the task is at this epoch.
    """
    db_tasks.report(task_uuid, {}, fence=fence, event={
        'event': event, 'state': state, 'host': host, 'details': details,
        'traceback': traceback})
