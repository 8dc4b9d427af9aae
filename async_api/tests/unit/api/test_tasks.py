"""Reading tasks and their step events."""

import datetime
import urllib.parse

from oslo_utils import timeutils
from oslo_utils import uuidutils

from async_api.db import tasks as db_tasks
from async_api.common import states
from async_api.tests import db_helpers
from async_api.tests.unit.api import base
from async_api.tests.unit.api import fakes


class TestTasks(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fakes.Operations())
        self.node = self.create_node(name='n1')

    def _uuids(self, query=''):
        body = self.get_json('/v1/tasks' + query)
        return [task['uuid'] for task in body['tasks']]

    def test_get(self):
        task = fakes.make_task(
            self.node.uuid, states.FAILED, progress=40, step='power_on',
            params={'target': 'on', 'bmc_secret': 's', 'pin': 1234,
                    'auth': {'Password': 'p', 'user': 'u'}},
            error={'code': 'bmc_unreachable', 'message': 'no route',
                   'step': 'power_on'},
            finished_at=timeutils.utcnow(), project_id='p1', user_id='u1')
        response = self.app.get('/v1/tasks/%s' % task.uuid)
        body = response.json
        self.assertNotIn('Retry-After', response.headers)
        self.assertEqual(states.FAILED, body['state'])
        self.assertEqual(40, body['progress'])
        self.assertEqual('power_on', body['step'])
        self.assertEqual({'target': 'on', 'bmc_secret': '******',
                          'pin': '******',
                          'auth': {'Password': '******', 'user': 'u'}},
                         body['params'])
        self.assertEqual({'code': 'bmc_unreachable', 'message': 'no route',
                          'step': 'power_on'}, body['error'])
        self.assertFalse(body['cancel_requested'])
        self.assertEqual(0, body['attempt'])
        self.assertTrue(body['finished_at'].endswith('+00:00'))
        self.assertIsNone(body['started_at'])
        self.assertEqual('p1', body['project_id'])
        self.assertEqual(
            'http://localhost/v1/tasks/%s' % task.uuid,
            body['links'][0]['href'])

    def test_unknown_operation_still_masks_by_key(self):
        task = fakes.make_task(self.node.uuid, operation='gone.op',
                               params={'token': 't', 'pin': 1})
        body = self.get_json('/v1/tasks/%s' % task.uuid)
        self.assertEqual({'token': '******', 'pin': 1}, body['params'])

    def test_retry_after_while_unfinished(self):
        for state in states.ACTIVE:
            task = fakes.make_task(self.node.uuid, state)
            response = self.app.get('/v1/tasks/%s' % task.uuid)
            self.assertEqual('1', response.headers['Retry-After'])
        for state in states.TERMINAL:
            task = fakes.make_task(self.node.uuid, state)
            response = self.app.get('/v1/tasks/%s' % task.uuid)
            self.assertNotIn('Retry-After', response.headers)

    def test_not_found(self):
        for ident in (uuidutils.generate_uuid(), 'nope'):
            response = self.app.get('/v1/tasks/%s' % ident,
                                    expect_errors=True)
            self.assert_error(response, 404, 'task_not_found')

    def test_other_project_is_not_found(self):
        self.use_projects('p1')
        task = fakes.make_task(self.node.uuid, project_id='p2')
        response = self.app.get('/v1/tasks/%s' % task.uuid,
                                headers=self.as_project('p1'),
                                expect_errors=True)
        self.assert_error(response, 404, 'task_not_found')

    def test_list_filters(self):
        other = self.create_node(name='n2')
        t1 = fakes.make_task(self.node.uuid, states.SUCCEEDED).uuid
        t2 = fakes.make_task(self.node.uuid, states.FAILED).uuid
        t3 = fakes.make_task(other.uuid, states.RUNNING,
                             operation='node.other').uuid
        t4 = fakes.make_task(other.uuid, states.PENDING,
                             resource_type='port').uuid
        self.assertEqual([t4, t3, t2, t1], self._uuids())
        self.assertEqual([t1, t2, t3, t4], self._uuids('?sort_dir=asc'))
        self.assertEqual([t2, t1], self._uuids(
            '?resource_uuid=%s' % self.node.uuid))
        self.assertEqual([t4], self._uuids('?resource_type=port'))
        self.assertEqual([t3], self._uuids('?operation=node.other'))
        self.assertEqual([t2], self._uuids('?state=failed'))
        self.assertEqual([t4, t3, t2], self._uuids(
            '?state=failed,%20running,pending'))
        self.assertEqual([t2], self._uuids(
            '?state=failed,succeeded&resource_uuid=%s&limit=1'
            % self.node.uuid))

    def test_changes_since(self):
        old = fakes.make_task(self.node.uuid, states.SUCCEEDED)
        db_tasks.update_task(old.uuid, {
            'created_at': datetime.datetime(2020, 1, 1),
            'updated_at': datetime.datetime(2020, 1, 2)})
        new = fakes.make_task(self.node.uuid).uuid
        since = urllib.parse.quote('2021-01-01T00:00:00+00:00')
        self.assertEqual([new], self._uuids('?changes_since=' + since))
        # Another zone means another instant.
        since = urllib.parse.quote('2020-01-02T01:00:00+02:00')
        self.assertEqual([new, old.uuid],
                         self._uuids('?changes_since=' + since))

    def test_pagination(self):
        made = [fakes.make_task(self.node.uuid, states.FAILED).uuid
                for _ in range(5)]
        fakes.make_task(self.node.uuid, states.SUCCEEDED)
        body = self.get_json('/v1/tasks?state=failed&limit=2')
        seen = [t['uuid'] for t in body['tasks']]
        while 'next' in body:
            query = dict(urllib.parse.parse_qsl(
                urllib.parse.urlsplit(body['next']).query))
            self.assertEqual({'state': 'failed', 'limit': '2',
                              'sort_dir': 'desc', 'marker': seen[-1]}, query)
            body = self.get_json(body['next'])
            seen += [t['uuid'] for t in body['tasks']]
        self.assertEqual(made[::-1], seen)

    def test_invalid_arguments(self):
        for query in ('state=done', 'state=failed,done', 'state=,',
                      'changes_since=yesterday', 'changes_since=2020-13-01',
                      'marker=%s' % uuidutils.generate_uuid(), 'limit=0',
                      'sort_dir=sideways', 'limit=many', 'resource=x'):
            response = self.app.get('/v1/tasks?' + query, expect_errors=True)
            self.assert_error(response, 400, 'invalid_parameter')


class TestEvents(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fakes.Operations())
        self.node = self.create_node(name='n1')

    def test_events(self):
        task = fakes.make_task(self.node.uuid, states.RUNNING)
        db_helpers.add_event(task.uuid, 'power_on', states.STEP_STARTED,
                             host='c1')
        db_helpers.add_event(task.uuid, 'power_on', states.STEP_FAILED,
                             host='c1', details={'message': 'no route'},
                             traceback='Traceback (most recent call last)')
        response = self.app.get('/v1/tasks/%s/events' % task.uuid)
        events = response.json['events']
        self.assertEqual([('power_on', 'started', None),
                          ('power_on', 'failed', {'message': 'no route'})],
                         [(e['event'], e['state'], e['details'])
                          for e in events])
        self.assertEqual('c1', events[0]['host'])
        self.assertTrue(events[0]['time'].endswith('+00:00'))
        self.assertEqual({'event', 'state', 'time', 'host', 'details'},
                         set(events[1]))
        self.assertNotIn('Traceback', response.text)

    def test_no_events(self):
        task = fakes.make_task(self.node.uuid)
        self.assertEqual({'events': []},
                         self.get_json('/v1/tasks/%s/events' % task.uuid))

    def test_task_not_found(self):
        response = self.app.get(
            '/v1/tasks/%s/events' % uuidutils.generate_uuid(),
            expect_errors=True)
        self.assert_error(response, 404, 'task_not_found')
