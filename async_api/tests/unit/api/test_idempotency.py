"""``Idempotency-Key`` on the API's mutating requests."""

import datetime

from oslo_utils import timeutils

from async_api.baremetal import conf as async_conf
from async_api.baremetal.db import nodes as db_nodes
from async_api.db import tasks as db_tasks
from async_api.idempotency import keys
from async_api.idempotency import store
from async_api.tests import db_helpers
from async_api.tests.unit.api import base
from async_api.tests.unit.api import fakes

KEY = {'Idempotency-Key': 'retry-me-1'}


def _conf():
    return async_conf.CONF


def _fingerprint_of_power(target):
    return keys.fingerprint('PUT', '/v1/nodes/n1/states/power',
                            {'target': target})


class TestIdempotentActions(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.operations = self.useFixture(fakes.Operations())
        self.node = self.create_node(name='n1')

    def _power(self, target='on', headers=KEY, **kwargs):
        return self.app.put_json('/v1/nodes/n1/states/power',
                                 {'target': target}, headers=dict(headers),
                                 **kwargs)

    def test_same_key_same_request_replays_the_first_response(self):
        first = self._power()
        self.assertEqual(202, first.status_int)
        self.assertNotIn('Idempotent-Replayed', first.headers)
        again = self._power()
        self.assertEqual(202, again.status_int)
        self.assertEqual('true', again.headers['Idempotent-Replayed'])
        self.assertEqual(first.json, again.json)
        self.assertEqual(first.headers['Location'], again.headers['Location'])
        self.assertEqual(1, len(db_tasks.list_tasks()))
        self.assertEqual(1, self.operations.post.call_count)

    def test_alias_header_is_the_same_key(self):
        first = self._power(headers={'X-Client-Token': 'tok'})
        again = self._power(headers={'Idempotency-Key': 'tok'})
        self.assertEqual(first.json['uuid'], again.json['uuid'])
        self.assertEqual(1, len(db_tasks.list_tasks()))

    def test_both_headers_different_is_400_and_stores_nothing(self):
        response = self._power(
            headers={'Idempotency-Key': 'a', 'X-Client-Token': 'b'},
            expect_errors=True)
        self.assert_error(response, 400, 'invalid_parameter')
        self.assertEqual([], db_tasks.list_tasks())

    def test_invalid_keys_are_400(self):
        for key in ('x' * 256, 'caf\u00e9'.encode('utf-8').decode('latin-1')):
            response = self._power(headers={'Idempotency-Key': key},
                                   expect_errors=True)
            self.assert_error(response, 400, 'invalid_parameter')
        self.assertEqual([], db_tasks.list_tasks())

    def test_same_key_other_request_is_422(self):
        self._power('on')
        response = self._power('off', expect_errors=True)
        self.assert_error(response, 422, 'idempotency_key_mismatch')
        self.assertEqual(1, len(db_tasks.list_tasks()))

    def test_key_in_progress_is_409_with_retry_after(self):
        claim = store.begin(_conf(), '', KEY['Idempotency-Key'],
                            _fingerprint_of_power('on'))
        self.assertIsInstance(claim, store.Claim)
        response = self._power(expect_errors=True)
        self.assert_error(response, 409, 'idempotency_key_in_use')
        self.assertEqual('1', response.headers['Retry-After'])
        self.assertEqual([], db_tasks.list_tasks())

    def test_rejected_request_releases_its_key(self):
        response = self._power('sideways', expect_errors=True)
        self.assertEqual(400, response.status_int)
        # The same key now works for a corrected request.
        self.assertEqual(202, self._power('on').status_int)

    def test_keys_are_scoped_to_the_project(self):
        db_nodes.update_node(self.node.uuid, {'project_id': None})
        self.use_projects('p1', 'p2')
        mine = self.create_node(name='p1-node', project_id='p1')
        theirs = self.create_node(name='p2-node', project_id='p2')
        a = self.app.put_json('/v1/nodes/p1-node/states/power',
                              {'target': 'on'},
                              headers=self.as_project('p1', **KEY))
        b = self.app.put_json('/v1/nodes/p2-node/states/power',
                              {'target': 'on'},
                              headers=self.as_project('p2', **KEY))
        self.assertNotIn('Idempotent-Replayed', b.headers)
        self.assertEqual(mine.uuid, a.json['resource_uuid'])
        self.assertEqual(theirs.uuid, b.json['resource_uuid'])
        self.assertEqual(2, len(db_tasks.list_tasks()))

    def test_taken_over_key_finishes_the_first_requests_task(self):
        self.config(lock_timeout=1, group='async_api_idempotency')
        claim = store.begin(_conf(), '', KEY['Idempotency-Key'],
                            _fingerprint_of_power('on'))
        # The first request created its task under the reserved UUID and
        # died before answering.
        db_helpers.create_task({
            'uuid': claim.reserved_uuid, 'operation': 'node.set_power_state',
            'resource_type': 'node', 'resource_uuid': self.node.uuid,
            'state': 'pending', 'params': {'target': 'on'}})
        timeutils.set_time_override(
            timeutils.utcnow() + datetime.timedelta(seconds=2))
        self.addCleanup(timeutils.clear_time_override)
        response = self._power()
        self.assertEqual(202, response.status_int)
        self.assertEqual(claim.reserved_uuid, response.json['uuid'])
        self.assertEqual(1, len(db_tasks.list_tasks()))
        self.assertEqual(0, self.operations.post.call_count)


class TestIdempotentNodeCreation(base.APITestCase):

    def test_retried_create_makes_one_node(self):
        body = {'name': 'web-1', 'driver': 'fake'}
        first = self.app.post_json('/v1/nodes', body, headers=KEY)
        again = self.app.post_json('/v1/nodes', body, headers=KEY)
        self.assertEqual(201, first.status_int)
        self.assertEqual(201, again.status_int)
        self.assertEqual('true', again.headers['Idempotent-Replayed'])
        self.assertEqual(first.json['uuid'], again.json['uuid'])
        self.assertEqual(1, len(db_nodes.list_nodes()))

    def test_requests_without_a_key_are_not_deduplicated(self):
        self.app.post_json('/v1/nodes', {'driver': 'fake'})
        self.app.post_json('/v1/nodes', {'driver': 'fake'})
        self.assertEqual(2, len(db_nodes.list_nodes()))

    def test_reads_ignore_the_key(self):
        # Even an invalid key: only mutating requests read it.
        response = self.app.get('/v1/nodes',
                                headers={'Idempotency-Key': ''})
        self.assertEqual(200, response.status_int)
