"""Notifications on the embedded deployment (one ``async-api-all``
process, SQLite): the ``log`` driver works with no server at all, and a
bus that is down fails no task. (That ``noop`` writes nothing is in the
unit tests: test_outbox.)"""

import os
import re
import sqlite3
import time

from async_api.tests.functional.api import base
from async_api.tests.functional import service

#: oslo.messaging's log driver logs each notification under this logger.
_LINE = re.compile(r'oslo\.messaging\.notification\.(task\.[a-z.]+)')


class TestEmbedded(base.ServiceTestCase):

    def count_rows(self):
        db = sqlite3.connect(os.path.join(self.state_path,
                                          'async_api.sqlite'))
        self.addCleanup(db.close)
        return db.execute(
            'SELECT count(*) FROM async_api_notifications').fetchone()[0]

    def wait_for_log(self, process, text, timeout=30):
        deadline = time.monotonic() + timeout
        while text not in process.read_log():
            self.assertLess(time.monotonic(), deadline, process.read_log())
            time.sleep(0.1)

    def test_a_task_is_logged_transition_by_transition(self):
        process = self.start(oslo_messaging_notifications={'driver': 'log'})
        node = self.create_node()
        response = self.set_power(node, 'on')
        self.assertEqual(202, response.status_code, response.text)
        task = self.wait_for_task(response.json()['uuid'])
        self.assertEqual('succeeded', task['state'], task)
        self.wait_for_log(process, 'task.succeeded')
        types = _LINE.findall(process.read_log())
        self.assertEqual('task.accepted', types[0], types)
        self.assertEqual('task.started', types[1], types)
        self.assertEqual('task.succeeded', types[-1], types)
        steps = self.events(task['uuid'])
        # One step notification per step event, in between.
        self.assertEqual(len(steps), len(types) - 3, types)
        self.assertEqual({'task.step.start', 'task.step.end'},
                         set(types[2:-1]))

    def test_a_bus_that_is_down_fails_no_task(self):
        # Nothing listens on the port: every send is refused.
        down = 'rabbit://guest:guest@127.0.0.1:%d/' % service.free_port()
        process = self.start(
            oslo_messaging_notifications={'driver': 'messagingv2',
                                          'transport_url': down},
            async_api_notifications={'send_timeout': 1.0,
                                     'retry_interval': 0.5})
        node = self.create_node()
        tasks = [self.set_power(node, target).json()['uuid']
                 for target in ('on', 'off')]
        for task_uuid in tasks:
            task = self.wait_for_task(task_uuid)
            self.assertEqual('succeeded', task['state'], task)
        # Logged, and kept for when the bus is back: all of them.
        self.wait_for_log(process, 'it is kept and sent again')
        events = sum(len(self.events(t)) for t in tasks)
        # accepted, started and the end, and one per step event.
        self.assertEqual(events + 3 * len(tasks), self.count_rows())
