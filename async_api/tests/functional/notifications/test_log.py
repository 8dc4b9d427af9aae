"""Notifications with oslo.messaging's ``log`` driver, on the embedded
deployment (one ``async-api-all`` process, SQLite): it works with no
server at all."""

import os
import re
import sqlite3
import time

from async_api.tests.functional.api import base

#: oslo.messaging's log driver logs each notification under this logger.
_LINE = re.compile(r'oslo\.messaging\.notification\.(task\.[a-z.]+)')


class TestLogDriver(base.ServiceTestCase):

    def test_a_task_is_logged_transition_by_transition(self):
        process = self.start(oslo_messaging_notifications={'driver': 'log'})
        node = self.create_node()
        response = self.set_power(node, 'on')
        self.assertEqual(202, response.status_code, response.text)
        task = self.wait_for_task(response.json()['uuid'])
        self.assertEqual('succeeded', task['state'], task)
        deadline = time.monotonic() + 30
        while 'task.succeeded' not in process.read_log():
            self.assertLess(time.monotonic(), deadline, process.read_log())
            time.sleep(0.1)
        types = _LINE.findall(process.read_log())
        self.assertEqual('task.accepted', types[0], types)
        self.assertEqual('task.started', types[1], types)
        self.assertEqual('task.succeeded', types[-1], types)
        steps = self.events(task['uuid'])
        # One step notification per step event, in between.
        self.assertEqual(len(steps), len(types) - 3, types)
        self.assertEqual({'task.step.start', 'task.step.end'},
                         set(types[2:-1]))

    def test_noop_writes_nothing(self):
        self.start(oslo_messaging_notifications={'driver': 'noop'})
        node = self.create_node()
        response = self.set_power(node, 'on')
        task = self.wait_for_task(response.json()['uuid'])
        self.assertEqual('succeeded', task['state'], task)
        db = sqlite3.connect(os.path.join(self.state_path,
                                          'async_api.sqlite'))
        self.addCleanup(db.close)
        self.assertEqual(0, db.execute(
            'SELECT count(*) FROM async_api_notifications').fetchone()[0])
