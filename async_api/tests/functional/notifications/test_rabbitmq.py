"""Notifications over a real RabbitMQ, from an API and two conductors.

PostgreSQL holds the tasks and the SQL jobboard; ``async-api-api`` and
two ``async-api-conductor`` processes send with oslo.messaging's
``messagingv2`` driver to the run's RabbitMQ, and an oslo.messaging
notification listener in the test receives them. A task that one
conductor starts and another finishes (the first is stopped in the
middle) still notifies every transition once, in order.
"""

import time
import uuid

from async_api.tests.functional import cancel_wait
from async_api.tests.functional.distributed import base
from async_api.tests.functional.notifications import listener
from async_api.tests import servers


def sequence(notifications):
    """``(event_type, step, step state)`` of each notification.

    A notification sent twice (at least once: a sender killed between a
    send and its delete) is the same event type and payload again; it
    counts once here, as it must for every consumer.
    """
    found, last = [], None
    for n in notifications:
        key = (n['event_type'], repr(n['payload']))
        if key == last:
            continue
        last = key
        data = n['payload']['async_api_object.data']
        found.append((n['event_type'], data.get('event'),
                      data.get('event_state')))
    return found


def expected(events, final):
    """The notifications of a task whose step events are ``events``.

    What the documentation promises, from the events the API lists: each
    run starts with ``task.started``, the first revert with
    ``task.reverting``, every step event is a ``task.step.start`` (started,
    reverting) or ``task.step.end``, and the end comes last.
    """
    found = [('task.accepted', None, None)]
    attempt = reverting = None
    for event in events:
        if event['event'] == 'cancel':
            continue  # A request, not a transition.
        if event['details'].get('attempt') != attempt:
            attempt = event['details'].get('attempt')
            found.append(('task.started', None, None))
        if event['state'] == 'reverting' and not reverting:
            reverting = True
            found.append(('task.reverting', None, None))
        starts = event['state'] in ('started', 'reverting')
        kind = 'task.step.start' if starts else 'task.step.end'
        found.append((kind, event['event'], event['state']))
    found.append(('task.' + final, None, None))
    return found


class TestRabbitMQ(base.DistributedTestCase):

    def setUp(self):
        super().setUp()
        self.rabbit_url = servers.require(self, servers.RABBITMQ)
        self.topic = 'test-%s' % uuid.uuid4().hex[:12]
        self.listener = self.useFixture(
            listener.Listener(self.rabbit_url, self.topic))

    def sections(self, host):
        sections = super().sections(host)
        sections['oslo_messaging_notifications'] = {
            'driver': 'messagingv2', 'transport_url': self.rabbit_url,
            'topics': self.topic}
        # The three tasks at once on c2.
        sections['async_api_conductor'] = {'workers': 3}
        # A killed sender's lease lapses within 3 s.
        sections['async_api_notifications'] = {'poll_interval': 0.2,
                                               'send_timeout': 1.0}
        return sections

    def wait_for_notification(self, task_uuid, event_type, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.listener.of_task(task_uuid)
            if any(n['event_type'] == event_type for n in found):
                return found
            time.sleep(0.1)
        self.fail('No %s of task %s within %ss: %s' % (
            event_type, task_uuid, timeout,
            sequence(self.listener.of_task(task_uuid))))

    def test_success_failure_and_cancel_across_two_conductors(self):
        self.start_api()
        c1 = self.start_conductor('c1')
        slow = self.create_node(driver_info={
            'fake_delay': {'set_power_state': cancel_wait.SLOW},
            'ipmi_password': 'not-for-notifications'})
        handed_over = self.set_power(slow, 'on').json()['uuid']
        self.wait_for_event(handed_over, 'power-set-state', 'started', 'c1')
        # c1 dies in the middle of the step; c2 runs the task again.
        c1.kill()
        self.start_conductor('c2')
        failing = self.create_node(driver_info={
            'fake_fail': ['set_power_state']})
        failed = self.set_power(failing, 'on').json()['uuid']
        cancelled_node = self.create_node(driver_info={
            'fake_delay': {'set_power_state': cancel_wait.SLOW}})
        cancelled = self.set_power(cancelled_node, 'on').json()['uuid']
        self.wait_for_event(cancelled, 'power-set-state', 'started')
        response = self.api('POST', '/v1/tasks/%s/cancel' % cancelled)
        self.assertEqual(202, response.status_code, response.text)

        for task, final in ((handed_over, 'succeeded'), (failed, 'failed'),
                            (cancelled, 'cancelled')):
            self.assert_terminal_soon(task, final)
            found = self.wait_for_notification(task, 'task.' + final)
            self.assertEqual(expected(self.events(task), final),
                             sequence(found))
            # Each sent by the process that committed the transition.
            publishers = [n['publisher_id'] for n in found]
            self.assertEqual('async-api-api.api', publishers[0])
            self.assertEqual({'async-api-api.api', 'async-api-conductor.c1',
                              'async-api-conductor.c2'}
                             if task == handed_over else
                             {'async-api-api.api', 'async-api-conductor.c2'},
                             set(publishers))
            self.assertEqual(
                ['ERROR'] * 2 if final == 'failed' else
                ['ERROR'] if final == 'cancelled' else [],
                [n['priority'] for n in found if n['priority'] != 'INFO'])
            for n in found:
                data = n['payload']['async_api_object.data']
                self.assertEqual('1.0',
                                 n['payload']['async_api_object.version'])
                self.assertEqual(task, data['uuid'])
                self.assertIsNotNone(data['request_id'])
        # The run c1 began and c2 finished: two starts, in order.
        found = sequence(self.listener.of_task(handed_over))
        self.assertEqual(2, found.count(('task.started', None, None)))
        # The driver's password is in no notification.
        self.assertNotIn('not-for-notifications',
                         repr(self.listener.received))
