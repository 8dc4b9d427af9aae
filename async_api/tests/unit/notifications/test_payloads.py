"""The payloads: versioned, and without secrets."""

import datetime
import json

from oslo_versionedobjects import fixture as ovo_fixture
import testtools

from async_api.db import outbox
from async_api.notifications import objects
from async_api.notifications import payloads
from async_api.notifications import samples

#: Fingerprints of the payload versions. A change of fields changes the
#: hash: give the payload a new VERSION and update its line here.
EXPECTED = {
    'TaskPayload': '1.0-818378c0437578f1e96751aaa84dbbd5',
    'TaskStepPayload': '1.0-1e1c47b065d746fcd1cdb5176726acb8',
}

TASK = {
    'uuid': '6f1c54d1-4c4e-4a77-9d43-0d6e0e1f7a10',
    'operation': 'node.set_power_state', 'resource_type': 'node',
    'resource_uuid': '0b4c6d3e-8f0a-4b53-9c62-6a8c4f6c1d11',
    'state': 'failed', 'progress': 40, 'step': 'set', 'attempt': 1,
    'params': {'target': 'on', 'bmc_password': 'hunter2',
               'address': 'https://admin:hunter2@bmc.example'},
    'result': {'token': 'hunter2'},
    'error': {'code': 'step_failed', 'step': 'set',
              'message': 'login failed: password=hunter2'},
    'request_id': 'req-1', 'project_id': 'p1', 'user_id': 'u1',
    'cancel_requested': False,
    'created_at': datetime.datetime(2026, 12, 1, 6, 0, 0),
    'updated_at': datetime.datetime(2026, 12, 1, 6, 0, 1),
    'started_at': datetime.datetime(2026, 12, 1, 6, 0, 0, 500000),
    'finished_at': None,
}


class TestVersions(testtools.TestCase):

    def test_fingerprints(self):
        classes = {name: cls for name, cls
                   in objects.Registry.obj_classes().items()
                   if name in EXPECTED}
        checker = ovo_fixture.ObjectVersionChecker(classes)
        expected, actual = checker.test_hashes(EXPECTED)
        self.assertEqual(expected, actual,
                         'A payload changed: bump its VERSION')


class TestPayloads(testtools.TestCase):

    def test_task_payload_carries_the_task_and_no_secret(self):
        row = payloads.notification('svc.h1', TASK, 'failed')
        self.assertEqual(('task.failed', 'error', 'svc.h1'),
                         (row['event_type'], row['priority'],
                          row['publisher_id']))
        payload = row['payload']
        self.assertEqual(('TaskPayload', '1.0'),
                         (payload['async_api_object.name'],
                          payload['async_api_object.version']))
        data = payload['async_api_object.data']
        for key in ('uuid', 'request_id', 'project_id', 'user_id', 'step',
                    'state', 'operation'):
            self.assertEqual(TASK[key], data[key])
        self.assertEqual('on', data['params']['target'])
        text = json.dumps(row)  # Plain JSON: it is stored as such.
        self.assertNotIn('hunter2', text)
        self.assertEqual('******', data['params']['bmc_password'])

    def test_step_payload_masks_the_event_details(self):
        event = {'event': 'set', 'state': 'failed', 'host': 'c1',
                 'details': {'message': 'password=hunter2',
                             'api_key': 'hunter2', 'attempt': 1}}
        row = payloads.notification('svc.h1', TASK, outbox.STEP_END, event)
        self.assertEqual(('task.step.end', 'error'),
                         (row['event_type'], row['priority']))
        data = row['payload']['async_api_object.data']
        self.assertEqual(('set', 'failed', 'c1', 1),
                         (data['event'], data['event_state'],
                          data['event_host'],
                          data['event_details']['attempt']))
        self.assertNotIn('hunter2', json.dumps(row))

    def test_priorities(self):
        self.assertEqual(
            {'accepted': 'info', 'started': 'info', 'step.start': 'info',
             'step.end': 'info', 'retrying': 'info', 'reverting': 'info',
             'succeeded': 'info', 'cancelled': 'info', 'failed': 'error',
             'error': 'error'},
            {kind: payloads.priority(kind) for kind in outbox.KINDS})


class TestSamples(testtools.TestCase):

    def test_the_documentation_shows_every_event_type(self):
        found = samples.samples()
        self.assertEqual(sorted(payloads.event_type(kind)
                                for kind in outbox.KINDS),
                         sorted(event_type for event_type, *_ in found))
        for event_type, priority, _text, message in found:
            self.assertEqual(event_type, message['event_type'])
            json.dumps(message)
