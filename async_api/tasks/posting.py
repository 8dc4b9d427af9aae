"""Post a task's job on the jobboard.

The job carries only what a conductor needs to build the flow: the flow
factory (saved in a logbook, as TaskFlow conductors expect) and the task's
UUID in the engine store. Parameters are read from the task row, so
secrets never travel through the board.
"""

import contextlib

from oslo_utils import uuidutils
from taskflow.persistence import models as tf_models

from async_api import backends


def post(conf, task, operation):
    """Save the task's logbook and post its job; returns the job."""
    persistence = backends.persistence(conf)
    book = tf_models.LogBook(task.uuid, uuid=uuidutils.generate_uuid())
    flow_detail = tf_models.FlowDetail(operation.name,
                                       uuid=uuidutils.generate_uuid())
    book.add(flow_detail)
    # TaskFlow's conductors rebuild the flow from this record by importing
    # the factory by name, so the API process never imports the flows.
    module, _, function = operation.flow_factory.partition(':')
    flow_detail.meta['factory'] = {
        'name': '%s.%s' % (module, function),
        'args': (),
        'kwargs': {},
    }
    flow_detail.meta['task_uuid'] = task.uuid
    with contextlib.closing(persistence.get_connection()) as conn:
        conn.save_logbook(book)
    details = {
        'store': {'task_uuid': task.uuid,
                  'resource_uuid': task.resource_uuid},
        'task_uuid': task.uuid,
    }
    return backends.board(conf).post(task.uuid, book=book, details=details)
