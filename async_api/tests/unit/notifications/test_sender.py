"""The sender: in order, delete after send, bounded, one at a time.

The bus is replaced by a recording publisher: what is under test is the
sender's handling of the outbox (the real buses are in the functional
tests).
"""

import threading
import time

from async_api.common import states
from async_api import conf as async_conf
from async_api.db import tasks as db_tasks
from async_api.notifications import sender
from async_api.notifications import service
from async_api.tests.unit.notifications import base


class Bus:
    """Records sends; fails the first ``failures``; may hang."""

    def __init__(self, failures=0, hang=False):
        self.sent = []
        self.failures = failures
        self.release = threading.Event()
        if not hang:
            self.release.set()
        self.calls = 0

    def send(self, publisher_id, event_type, priority, payload):
        self.calls += 1
        if self.calls == 1:
            self.release.wait()
        if self.failures:
            self.failures -= 1
            raise ConnectionError('the bus is down')
        self.sent.append((payload['async_api_object.data']['uuid'],
                          event_type))

    def cleanup(self):
        pass


class TestSender(base.NotificationTestCase):

    def setUp(self):
        super().setUp()
        self.config(poll_interval=0.05, retry_interval=0.1,
                    send_timeout=0.5, group='async_api_notifications')
        self.tasks = []
        for _ in range(2):
            task = self.accept()
            db_tasks.report(task.uuid, {'state': states.RUNNING,
                                        'attempt': db_tasks.INCREMENT})
            db_tasks.report(task.uuid, {'state': states.SUCCEEDED})
            self.tasks.append(task.uuid)
        self.expected = [(row['task_uuid'], row['event_type'])
                         for row in self.rows()]

    def start(self, bus, owner='s1'):
        s = sender.Sender(async_conf.CONF, bus, owner)
        s.start()
        self.addCleanup(s.stop)
        return s

    def wait_for(self, condition, timeout=30):
        deadline = time.monotonic() + timeout
        while not condition():
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)

    def test_sends_in_order_and_deletes_what_it_sent(self):
        self.assertEqual(6, len(self.expected))
        bus = Bus()
        self.start(bus)
        self.wait_for(lambda: not self.rows())
        self.assertEqual(self.expected, bus.sent)

    def test_a_failed_send_is_logged_kept_and_sent_again_first(self):
        bus = Bus(failures=2)
        self.start(bus)
        self.wait_for(lambda: not self.rows())
        self.assertEqual(self.expected, bus.sent)
        self.assertIn('Could not send notification', self.logger.output)
        self.assertIn('the bus is down', self.logger.output)

    def test_a_send_that_hangs_is_given_up_on_and_nothing_overtakes(self):
        bus = Bus(hang=True)
        self.start(bus)
        self.wait_for(lambda: 'no answer within 0.5 s' in self.logger.output)
        time.sleep(0.3)
        self.assertEqual([], bus.sent)
        self.assertEqual(6, len(self.rows()))
        bus.release.set()
        self.wait_for(lambda: not self.rows())
        # The first one twice (its late send counted as failed): at
        # least once, in order.
        self.assertEqual(self.expected[:1] + self.expected, bus.sent)

    def test_one_sender_at_a_time(self):
        first, second = Bus(), Bus()
        s1 = self.start(first, 's1')
        self.wait_for(lambda: not self.rows())
        self.start(second, 's2')
        task = self.accept()
        self.wait_for(lambda: not self.rows())
        self.assertEqual([], second.sent)
        self.assertEqual((task.uuid, 'task.accepted'), first.sent[-1])
        # Stopping gives the lease up: the other sender goes on at once.
        s1.stop()
        task = self.accept()
        self.wait_for(lambda: not self.rows())
        self.assertEqual([(task.uuid, 'task.accepted')], second.sent)


class TestProcessSender(base.NotificationTestCase):

    def test_the_last_service_to_stop_stops_the_sender(self):
        for _ in range(2):
            self.assertTrue(service.setup(async_conf.CONF, send=True))
        running = service._sender
        self.assertIsNotNone(running)
        service.stop_sending()
        self.assertIs(running, service._sender)
        service.stop_sending()
        self.assertIsNone(service._sender)
