"""Sample notifications, built by the code that builds the real ones.

The documentation shows these (doc/source/admin/notifications.rst, via
the ``notification-samples`` Sphinx directive), so the samples cannot
drift from what is sent: each is :func:`~.payloads.notification` of a
fixed task, in the message envelope the bus carries.
"""

import datetime

from async_api.common import states
from async_api.db import outbox
from async_api.notifications import payloads

_T0 = datetime.datetime(2026, 12, 1, 9, 30, 0)

#: The sample task, as a row.
TASK = {
    'uuid': '2f6c4f8e-5b1d-4d7e-9a3c-8e1f0b6d2a47',
    'operation': 'node.set_power_state', 'resource_type': 'node',
    'resource_uuid': '0b4c6d3e-8f0a-4b53-9c62-6a8c4f6c1d11',
    'state': states.PENDING, 'progress': 0, 'step': None, 'attempt': 0,
    'params': {'target': 'on'}, 'result': None, 'error': None,
    'request_id': 'req-6d2c1f3a-7e4b-4c59-8a1d-2b9e0f7c3d58',
    'project_id': '8a2f0c4e9b1d4f6a8c3e5d7b9f1a2c4e',
    'user_id': '3c5e7a9b1d2f4e6a8b0c2d4e6f8a0b1c',
    'cancel_requested': False, 'created_at': _T0, 'updated_at': _T0,
    'started_at': None, 'finished_at': None,
}

_RUNNING = dict(TASK, state=states.RUNNING, attempt=1, started_at=_T0,
                step='power-set-state', progress=55)
_ERROR = {'code': 'driver_error', 'step': 'power-set-state',
          'message': 'BMC 10.0.0.5 refused the request'}

#: ``(kind, what it reports, task row, step event)`` of each sample.
CASES = [
    (outbox.ACCEPTED, 'The task was accepted (202); it is queued or '
     'pending.', TASK, None),
    (outbox.STARTED, 'A conductor started a run of the task (``attempt`` '
     'counts the runs).', dict(_RUNNING, step=None, progress=0), None),
    (outbox.STEP_START, 'A step started (``event_state`` ``started``), or '
     'started reverting (``reverting``).', _RUNNING,
     {'event': 'power-set-state', 'state': states.STEP_STARTED,
      'host': 'conductor-1', 'details': {'atom_state': 'RUNNING',
                                         'attempt': 1}}),
    (outbox.STEP_END, 'A step ended: ``succeeded``, ``failed`` (ERROR '
     'priority) or ``reverted``.', dict(_RUNNING, progress=66),
     {'event': 'power-set-state', 'state': states.STEP_SUCCEEDED,
      'host': 'conductor-1', 'details': {'atom_state': 'SUCCESS',
                                         'attempt': 1}}),
    (outbox.RETRYING, 'A step retries after a transient error (a BMC '
     'that timed out, say): ``retry`` is the attempt it is about to make, '
     'after ``delay`` seconds. (A TaskFlow retry controller that undid its '
     'steps to run them again is reported the same way, under its own '
     'name.)', _RUNNING,
     {'event': 'power-set-state', 'state': states.STEP_RETRYING,
      'host': 'conductor-1', 'details': {
          'atom_state': 'RETRYING', 'attempt': 1, 'retry': 2, 'delay': 1.0,
          'code': 'bmc_timeout',
          'message': 'BMC 10.0.0.5:623 did not answer set power state '
                     'within 10.0 s'}}),
    (outbox.REVERTING, 'A step failed; the task reverts what its steps '
     'did.', dict(_RUNNING, state=states.REVERTING), None),
    (states.SUCCEEDED, 'The task succeeded.',
     dict(_RUNNING, state=states.SUCCEEDED, progress=100,
          result={'power_state': 'on'}, finished_at=_T0), None),
    (states.FAILED, 'The task failed and was reverted: the resource is as '
     'it was.', dict(_RUNNING, state=states.FAILED, error=_ERROR,
                     finished_at=_T0), None),
    (states.CANCELLED, 'The task was cancelled (before it started, or '
     'reverted after a cancel).',
     dict(_RUNNING, state=states.CANCELLED, cancel_requested=True,
          error={'code': 'cancelled', 'step': 'power-verify-state',
                 'message': 'Cancelled by user 3c5e7a9b1d2f4e6a8b0c2d4e'
                            '6f8a0b1c before step power-verify-state'},
          finished_at=_T0), None),
    (states.ERROR, 'A revert failed: the resource needs an operator.',
     dict(_RUNNING, state=states.ERROR,
          error=dict(_ERROR, revert_step='power-set-state'),
          finished_at=_T0), None),
]


def samples(publisher_id='async-api-conductor.conductor-1'):
    """``(event_type, priority, description, message)`` of each kind."""
    found = []
    for kind, description, task, event in CASES:
        row = payloads.notification(publisher_id, task, kind, event)
        message = {
            'event_type': row['event_type'],
            'priority': row['priority'].upper(),
            'publisher_id': row['publisher_id'],
            'message_id': '5c3a9e1f-2b7d-4f60-8e4a-1d9c7b3f5a20',
            'timestamp': '2026-12-01 09:30:00.250000',
            'payload': row['payload'],
        }
        found.append((row['event_type'], message['priority'], description,
                      message))
    return found
