"""Lanes with real processes: 2 API workers, 3 conductors, one SQLite file.

200 power requests interleaved over 10 nodes must run, on every node,
one at a time and in acceptance order, while faults are injected: an API
worker dies while it accepts a task (on one database the task and its
job commit together, so nothing of it may be stored), a job is deleted
from the board behind the service's back, and a conductor is SIGKILLed
mid-step. Every accepted task must end, and no step may succeed twice.
"""

import collections
import os
import threading
import time

import requests
import sqlalchemy as sa

from async_api.baremetal.conf import database as database_conf
from async_api.common import states
from async_api.tests.functional.api import base
from async_api.tests.functional import service

NODES = 10
TASKS = 200
TARGETS = ('on', 'off', 'reboot')

# Short leases and reconciler periods, so that recovery is quick.
FAST = {
    'async_api_jobboard': {'claim_expiry': 2, 'poll_interval': 0.1},
    'async_api_lanes': {'reconcile_interval': 0.5, 'repost_after': 2,
                        'max_queued_per_resource': 50},
    'async_api_conductor': {'workers': 2},
    # One gunicorn worker per API process: the fault below ends it.
    'api': {'workers': 1},
}


class TestLanesUnderFaults(base.ServiceTestCase):

    def setUp(self):
        super().setUp()
        self.trigger = os.path.join(self.state_path, 'exit-before-post')
        self.db_url = 'sqlite:///' + os.path.join(
            self.state_path, database_conf.DEFAULT_SQLITE_NAME)
        # API worker 0 dies at its next post once the trigger file exists.
        self.apis = [self._process('api', 0, exit_before_post=self.trigger),
                     self._process('api', 1)]
        self.conductors = [self._process('conductor', i) for i in range(3)]
        self.url = self.apis[1].url
        self.engine = sa.create_engine(self.db_url)
        self.addCleanup(self.engine.dispose)

    def _process(self, command, index, name=None, exit_before_post=None):
        name = name or '%s-%d' % (command, index)
        sections = {key: dict(value) for key, value in FAST.items()}
        port = service.free_port() if command == 'api' else None
        self.port = port or 0
        config = self.write_config('%s.conf' % name, **sections)
        if index == 0 and name.endswith('-0'):
            self.dbsync(config)
        return self.useFixture(service.ServiceProcess(
            command, config, port=port, name=name,
            exit_before_post=exit_before_post))

    # Helpers ---------------------------------------------------------

    def rows(self, sql, **params):
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql), params).all()

    def wait(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                self.fail('Timed out waiting for %s' % what)
            time.sleep(0.1)

    def put_power(self, api, node, target):
        try:
            return requests.put(
                '%s/v1/nodes/%s/states/power' % (api.url, node['uuid']),
                json={'target': target}, timeout=30)
        except requests.ConnectionError:
            return None

    # The test --------------------------------------------------------

    def kill_api_while_it_accepts(self, node):
        open(self.trigger, 'w').close()
        # The worker process serving the request dies; its connection
        # with it.
        self.assertIsNone(self.put_power(self.apis[0], node, 'on'))
        self.assertFalse(os.path.exists(self.trigger))
        # It died before the accept's commit: the client saw no answer,
        # and nothing of the task (nor a place in the lane) is left.
        tasks = self.api('GET', '/v1/tasks?resource_uuid=%s'
                         % node['uuid']).json()['tasks']
        self.assertEqual([], tasks)
        self.assertEqual([], self.rows('SELECT * FROM async_api_task_lanes'))
        # gunicorn's arbiter replaces the worker: the same API answers
        # again, as a restarted process would.
        self.wait(lambda: self._answers(self.apis[0]), 60,
                  'a new worker of %s' % self.apis[0].name)

    @staticmethod
    def _answers(api):
        try:
            return requests.get(api.url + '/v1', timeout=5).ok
        except requests.RequestException:
            return False

    def kill_conductor_mid_step(self, index):
        host = 'test-conductor-%d' % index

        def running_there():
            return self.rows(
                "SELECT e.id FROM async_api_task_events e "
                "JOIN async_api_tasks t ON "
                "t.uuid = e.task_uuid WHERE e.host = :host AND "
                "e.state = 'started' AND t.state = 'running' AND "
                "t.step = e.event", host=host)

        self.wait(running_there, 60, 'a step running on %s' % host)
        self.conductors[index].kill()

    def test_order_and_recovery(self):
        nodes = [self.create_node(name='n%d' % i,
                                  driver_info={'fake_delay': 0.01})
                 for i in range(NODES)]
        # Fault 1: API worker 0 dies while it accepts a task.
        self.kill_api_while_it_accepts(nodes[0])
        answers = []
        lock = threading.Lock()

        def submit(worker):
            for i in range(worker + 1, TASKS, 2):
                response = self.put_power(self.apis[worker],
                                          nodes[i % NODES], TARGETS[i % 3])
                with lock:
                    answers.append(response)

        threads = [threading.Thread(target=submit, args=(w,))
                   for w in range(2)]
        for thread in threads:
            thread.start()
        # Fault 2: a job is deleted from the board behind our back.
        self.wait(lambda: self.rows('SELECT id FROM async_api_jobboard_jobs'),
                  30, 'a job on the board')
        with self.engine.begin() as conn:
            conn.execute(sa.text(
                'DELETE FROM async_api_jobboard_jobs WHERE id = '
                '(SELECT MIN(id) FROM async_api_jobboard_jobs)'))
        # Fault 3: a conductor is SIGKILLed while a step runs.
        self.kill_conductor_mid_step(2)
        for thread in threads:
            thread.join()
        self.assertEqual(TASKS - 1, len(answers))
        self.assertEqual([202] * len(answers),
                         [r.status_code for r in answers])
        self.wait(lambda: not self.rows(
            'SELECT id FROM async_api_tasks WHERE state NOT IN (%s)'
            % ','.join("'%s'" % s for s in states.TERMINAL)), 150,
            'every task to end')
        tasks = self.rows('SELECT id, uuid, resource_uuid, state, attempt, '
                          'started_at, finished_at FROM async_api_tasks '
                          'ORDER BY id')
        # Every request answered 202, none for the one whose API died.
        self.assertEqual(TASKS - 1, len(tasks))
        self.assertEqual({'succeeded'}, {t.state for t in tasks},
                         [t for t in tasks if t.state != 'succeeded'])
        self.check_order(tasks)
        self.check_once(tasks)
        self.assertEqual([], self.rows('SELECT * FROM async_api_task_lanes'))

    def check_order(self, tasks):
        by_node = collections.defaultdict(list)
        for task in tasks:
            by_node[task.resource_uuid].append(task)
        self.assertEqual(NODES, len(by_node))
        for runs in by_node.values():
            for before, after in zip(runs, runs[1:]):
                # Accepted earlier (smaller id): started and finished
                # before the next one started.
                self.assertLessEqual(before.finished_at, after.started_at,
                                     (before, after))

    def check_once(self, tasks):
        events = collections.defaultdict(collections.Counter)
        for row in self.rows('SELECT task_uuid, event, state '
                             'FROM async_api_task_events'):
            events[row.task_uuid][(row.event, row.state)] += 1
        resumed = 0
        for task in tasks:
            counts = events[task.uuid]
            resumed += task.attempt > 1
            for (step, state), count in counts.items():
                if state == 'started':
                    self.assertLessEqual(count, task.attempt,
                                         (task, step, counts))
                else:
                    # A step that finished never runs again.
                    self.assertEqual(1, count, (task, step, counts))
            self.assertEqual(
                1, counts[('power-verify-state', 'succeeded')], task)
        # The killed conductor's task was resumed elsewhere.
        self.assertGreaterEqual(resumed, 1)
