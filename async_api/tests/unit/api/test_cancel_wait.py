"""``POST /v1/tasks/{uuid}/cancel``, ``Prefer: wait=N`` and validate now."""

import threading
import time

import fixtures

from async_api.api import prefer
from async_api.common import states
from async_api.db import cancels as db_cancels
from async_api.db import tasks as db_tasks
from async_api.operations import registry
from async_api.tasks import waiters
from async_api.tests.unit.api import base
from async_api.tests.unit.api import fakes
from flows import validate


def cancel_events(task_uuid):
    return [e for e in db_tasks.list_events(task_uuid)
            if e.event == db_cancels.CANCEL_EVENT]


class TestCancelAPI(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fakes.Operations())
        self.node = self.create_node(name='n1')

    def cancel(self, task_uuid, **kwargs):
        return self.app.post('/v1/tasks/%s/cancel' % task_uuid, **kwargs)

    def test_pending_task_is_cancelled_at_once(self):
        self.use_projects('p1')
        task = fakes.make_task(self.node.uuid, project_id='p1')
        response = self.cancel(task.uuid, headers=self.as_project('p1'))
        self.assertEqual(200, response.status_int)
        self.assertEqual('cancelled', response.json['state'])
        self.assertEqual('cancelled', response.json['error']['code'])
        # The htpasswd user of p1 is named after it.
        self.assertIn('user p1', response.json['error']['message'])
        self.assertTrue(response.headers['Location'].endswith(
            '/v1/tasks/%s' % task.uuid))
        self.assertNotIn('Retry-After', response.headers)
        [event] = cancel_events(task.uuid)
        self.assertEqual('requested', event.state)
        self.assertEqual('p1', event.details['user_id'])
        self.assertEqual('p1', event.details['project_id'])
        self.assertEqual(response.headers['x-openstack-request-id'],
                         event.details['request_id'])
        # Again: the same answer, no second event.
        again = self.cancel(task.uuid, headers=self.as_project('p1'))
        self.assertEqual(200, again.status_int)
        self.assertEqual(response.json['finished_at'],
                         again.json['finished_at'])
        self.assertEqual(1, len(cancel_events(task.uuid)))

    def test_running_task_is_asked_to_stop(self):
        task = fakes.make_task(self.node.uuid, states.RUNNING, claim_epoch=1)
        response = self.cancel(task.uuid)
        self.assertEqual(202, response.status_int)
        self.assertEqual('running', response.json['state'])
        self.assertTrue(response.json['cancel_requested'])
        self.assertEqual('1', response.headers['Retry-After'])
        self.assertTrue(response.headers['Location'].endswith(
            '/v1/tasks/%s' % task.uuid))
        self.assertEqual(202, self.cancel(task.uuid).status_int)
        self.assertEqual(1, len(cancel_events(task.uuid)))

    def test_body_is_ignored(self):
        task = fakes.make_task(self.node.uuid)
        response = self.cancel(task.uuid, params='{}',
                               content_type='application/json')
        self.assertEqual(200, response.status_int)

    def test_finished_task_is_a_conflict(self):
        for state in (states.SUCCEEDED, states.FAILED, states.ERROR):
            task = fakes.make_task(self.node.uuid, state)
            response = self.cancel(task.uuid, expect_errors=True)
            self.assert_error(response, 409, 'task_finished')
            self.assertEqual(state, db_tasks.get_task(task.uuid).state)
            self.assertEqual([], cancel_events(task.uuid))

    def test_not_cancellable_once_started(self):
        registry.register(registry.Operation(
            **dict(vars(fakes.POWER), cancellable=False)))
        task = fakes.make_task(self.node.uuid, states.RUNNING)
        response = self.cancel(task.uuid, expect_errors=True)
        self.assert_error(response, 409, 'task_not_cancellable')
        self.assertFalse(db_tasks.get_task(task.uuid).cancel_requested)

    def test_other_project_is_not_found(self):
        self.use_projects('p1')
        task = fakes.make_task(self.node.uuid, project_id='p2')
        response = self.cancel(task.uuid, headers=self.as_project('p1'),
                               expect_errors=True)
        self.assert_error(response, 404, 'task_not_found')
        self.assertEqual(states.PENDING, db_tasks.get_task(task.uuid).state)

    def test_unknown_task_is_not_found(self):
        response = self.cancel('0f4d1ba4-3a57-4d7b-9e2b-5b8f0e2f6a11',
                               expect_errors=True)
        self.assert_error(response, 404, 'task_not_found')

    def test_only_post(self):
        task = fakes.make_task(self.node.uuid)
        response = self.app.get('/v1/tasks/%s/cancel' % task.uuid,
                                expect_errors=True)
        self.assertEqual(405, response.status_int)
        self.assertEqual(states.PENDING, db_tasks.get_task(task.uuid).state)


class TestParseWait(base.base.TestCase):

    def test_values(self):
        for value, expected in (
                ('wait=10', 10), ('WAIT = 5', 5), ('Wait=5', 5),
                ('respond-async, wait=7', 7), ('respond-async', None),
                ('wait="3"', 3), ('wait=3;foo=bar', 3), ('wait=abc', None),
                ('wait=-1', None), ('wait=2, wait=9', 2), ('', None),
                (None, None), ('handling=lenient,wait=4', 4)):
            self.assertEqual(expected, prefer.parse_wait(value), value)


def finish_later(task_uuid, delay=0.3, state=states.SUCCEEDED):
    def finish():
        time.sleep(delay)
        db_tasks.update_task(task_uuid, {'state': state,
                                         'result': {'done': True}})
        waiters.notify(task_uuid)
    thread = threading.Thread(target=finish, daemon=True)
    thread.start()
    return thread


class TestPreferWait(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.operations = self.useFixture(fakes.Operations())
        self.node = self.create_node(name='n1')

    def power(self, prefer_value=None, node='n1'):
        headers = {'Prefer': prefer_value} if prefer_value else {}
        return self.app.put_json('/v1/nodes/%s/states/power' % node,
                                 {'target': 'on'}, headers=headers)

    def finish_next_task(self, delay=0.3):
        """Finish the task that the next accept posts, after ``delay``."""
        def post(conf, task, operation, fresh=False):
            # Joined before the database goes: a finisher that outlived
            # its test would write into the next test's database.
            self.addCleanup(finish_later(task.uuid, delay).join)
            return type('Job', (), {'uuid': 'job-uuid'})()
        self.operations.post.side_effect = post

    def test_finished_in_time_is_200_with_preference_applied(self):
        self.finish_next_task()
        response = self.power('wait=10')
        self.assertEqual(200, response.status_int, response.text)
        self.assertEqual('succeeded', response.json['state'])
        self.assertEqual({'done': True}, response.json['result'])
        self.assertEqual('wait=10', response.headers['Preference-Applied'])
        self.assertTrue(response.headers['Location'].endswith(
            '/v1/tasks/%s' % response.json['uuid']))
        self.assertNotIn('Retry-After', response.headers)
        self.assertEqual(0, waiters.waiting(response.json['uuid']))

    def test_not_finished_is_the_usual_202(self):
        started = time.monotonic()
        response = self.power('respond-async, wait=1')
        self.assertGreaterEqual(time.monotonic() - started, 0.9)
        self.assertEqual(202, response.status_int)
        self.assertEqual('pending', response.json['state'])
        self.assertNotIn('Preference-Applied', response.headers)
        self.assertEqual('1', response.headers['Retry-After'])
        self.assertIn('Location', response.headers)

    def test_no_preference_answers_at_once(self):
        for value in (None, 'respond-async', 'wait=0', 'wait=soon'):
            started = time.monotonic()
            response = self.power(value)
            self.assertLess(time.monotonic() - started, 5, value)
            self.assertEqual(202, response.status_int, value)
            self.assertEqual('1', response.headers['Retry-After'])
            self.assertNotIn('Preference-Applied', response.headers)

    def test_capped_by_wait_max(self):
        self.config(wait_max=1, group='async_api_api')
        started = time.monotonic()
        response = self.power('wait=600')
        self.assertLess(time.monotonic() - started, 60)
        self.assertEqual(202, response.status_int)
        # Finished within the cap: applied with the capped value.
        self.finish_next_task(delay=0.1)
        self.create_node(name='n2')
        response = self.power('wait=600', node='n2')
        self.assertEqual(200, response.status_int)
        self.assertEqual('wait=1', response.headers['Preference-Applied'])

    def test_wait_max_zero_never_waits(self):
        self.config(wait_max=0, group='async_api_api')
        self.finish_next_task(delay=0.5)
        response = self.power('wait=10')
        self.assertEqual(202, response.status_int)

    def test_finished_elsewhere_is_seen_by_polling(self):
        # No notification: another process finished it.
        self.config(wait_poll_interval=0.1, group='async_api_api')
        task = fakes.make_task(self.node.uuid, states.RUNNING)

        def finish():
            time.sleep(0.3)
            db_tasks.update_task(task.uuid, {'state': states.FAILED})
        thread = threading.Thread(target=finish, daemon=True)
        thread.start()
        self.addCleanup(thread.join)
        response = self.app.get('/v1/tasks/%s' % task.uuid,
                                headers={'Prefer': 'wait=10'})
        self.assertEqual(200, response.status_int)
        self.assertEqual('failed', response.json['state'])
        self.assertEqual('wait=10', response.headers['Preference-Applied'])

    def test_get_of_unfinished_task_after_the_wait(self):
        task = fakes.make_task(self.node.uuid, states.RUNNING)
        response = self.app.get('/v1/tasks/%s' % task.uuid,
                                headers={'Prefer': 'wait=1'})
        self.assertEqual(200, response.status_int)
        self.assertEqual('1', response.headers['Retry-After'])
        self.assertNotIn('Preference-Applied', response.headers)

    def test_cancel_waits_for_the_end(self):
        task = fakes.make_task(self.node.uuid, states.RUNNING, claim_epoch=1)
        self.addCleanup(finish_later(task.uuid, state=states.CANCELLED).join)
        response = self.app.post('/v1/tasks/%s/cancel' % task.uuid,
                                 headers={'Prefer': 'wait=10'})
        self.assertEqual(200, response.status_int)
        self.assertEqual('cancelled', response.json['state'])
        self.assertEqual('wait=10', response.headers['Preference-Applied'])


class TestWaitFromAKnownRow(base.APITestCase):
    """A waiter given the row its caller just wrote skips the first read."""

    def setUp(self):
        super().setUp()
        node = self.create_node(name='n1')
        self.task = fakes.make_task(node.uuid, states.PENDING)
        self.reads = []
        read = db_tasks.get_task

        def counted(*args, **kwargs):
            self.reads.append(args[0])
            return read(*args, **kwargs)
        self.useFixture(fixtures.MonkeyPatch(
            'async_api.db.tasks.get_task', counted))

    def wait(self, **kwargs):
        return waiters.wait(self.task.uuid, 30, poll_interval=30, **kwargs)

    def test_only_the_finished_row_is_read(self):
        self.addCleanup(finish_later(self.task.uuid).join)
        done = self.wait(known=self.task)
        self.assertEqual(states.SUCCEEDED, done.state)
        self.assertEqual([self.task.uuid], self.reads)

    def test_without_it_the_row_is_read_first(self):
        self.addCleanup(finish_later(self.task.uuid).join)
        self.assertEqual(states.SUCCEEDED, self.wait().state)
        self.assertEqual(2, len(self.reads))

    def test_a_finish_before_the_wait_is_not_missed(self):
        # The known row is stale: the task finished in this process after
        # it was read, before the waiter registered.
        db_tasks.update_task(self.task.uuid, {'state': states.SUCCEEDED})
        waiters.notify(self.task.uuid)
        started = time.monotonic()
        self.assertEqual(states.SUCCEEDED, self.wait(known=self.task).state)
        # Not after the 30 s poll interval.
        self.assertLess(time.monotonic() - started, 10)


class TestValidateNow(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.operations = self.useFixture(fakes.Operations())
        registry.register(validate.VALIDATE)
        self.node = self.create_node(name='n1')

    def test_post_validate_is_a_task(self):
        response = self.app.post('/v1/nodes/n1/validate')
        self.assertEqual(202, response.status_int)
        task = response.json
        self.assertEqual('node.validate', task['operation'])
        self.assertEqual(self.node.uuid, task['resource_uuid'])
        self.assertEqual({}, task['params'])
        self.assertTrue(response.headers['Location'].endswith(
            '/v1/tasks/%s' % task['uuid']))
        self.assertEqual(1, self.operations.post.call_count)

    def test_other_project_node_is_not_found(self):
        self.use_projects('p1')
        other = self.create_node(name='n2', project_id='p2')
        response = self.app.post('/v1/nodes/%s/validate' % other.uuid,
                                 headers=self.as_project('p1'),
                                 expect_errors=True)
        self.assert_error(response, 404, 'node_not_found')
        self.assertEqual(0, self.operations.post.call_count)
