"""The compute example service (examples/compute), end to end.

The same checks run against the embedded deployment (one process,
SQLite, the SQL jobboard) and a distributed one (PostgreSQL, a Redis
jobboard, one API process and two conductor processes): actions are
answered 202 with a Location under the service's own /v2/tasks, tasks
on one server run in the order accepted, an Idempotency-Key replays,
and a pre-check that fails inside the flow ends the task failed with
the check's code and the server untouched.
"""

import datetime
import uuid

import fixtures
from testtools import content
import testtools

from async_api.common import states
from async_api.tests import db_fixtures
from async_api.tests.functional.examples import compute
from async_api.tests import servers

LIVE_MIGRATE_STEPS = ('check-server-active', 'check-destination',
                      'check-capacity', 'start-migration',
                      'transfer-server', 'switch-host')


def _time(value):
    return datetime.datetime.fromisoformat(value)


class ComputeMixin:
    """The checks; a subclass says how to deploy (:meth:`deploy`)."""

    _deployment = None
    #: ``[DEFAULT]host`` of the processes that run flows.
    CONDUCTOR_HOSTS = ()

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.Timeout(180, gentle=True))
        cls = type(self)
        if cls._deployment is None:
            # One deployment for the class, stopped in tearDownClass.
            deployment = self.deploy()
            deployment.setUp()
            cls._deployment = deployment
        self.addOnException(self._attach_logs)
        self.client = compute.Client(self, cls._deployment.url)
        self.url = cls._deployment.url

    @classmethod
    def tearDownClass(cls):
        if cls._deployment is not None:
            cls._deployment.cleanUp()
            cls._deployment = None
        super().tearDownClass()

    def _attach_logs(self, exc_info):
        for name, log in type(self)._deployment.logs().items():
            self.addDetail('%s-log' % name,
                           content.text_content(log[-30000:]))

    def accept(self, server, action, body, **kwargs):
        response = self.client.action(server, action, body, **kwargs)
        self.assertEqual(202, response.status_code, response.text)
        task = response.json()
        task_url = self.url + '/v2/tasks/' + task['uuid']
        self.assertEqual(task_url, response.headers['Location'])
        self.assertEqual([{'href': task_url, 'rel': 'self'}], task['links'])
        return task

    def test_live_migrate_is_accepted_and_succeeds(self):
        server = self.client.create_server()
        task = self.accept(server, 'live_migrate', {'host': 'compute-2'})
        self.assertIn(task['state'], (states.PENDING, states.RUNNING))

        done = self.client.wait_for_task(task['uuid'])
        self.assertEqual(states.SUCCEEDED, done['state'], done)
        self.assertEqual({'host': 'compute-2', 'previous_host': 'compute-1'},
                         done['result'])
        moved = self.client.get_json('/v2/servers/%s' % server['uuid'])
        self.assertEqual(('ACTIVE', 'compute-2'),
                         (moved['status'], moved['host']))
        # The server's history links to the same task, under /v2/tasks.
        history = self.client.get_json(
            '/v2/servers/%s/tasks' % server['uuid'])['tasks']
        self.assertEqual([task['links']], [t['links'] for t in history])

        # Every step started, then succeeded, in the flow's order.
        found = self.client.events(task['uuid'])
        events = [(e['event'], e['state']) for e in found]
        self.assertLessEqual({e['host'] for e in found},
                             set(self.CONDUCTOR_HOSTS))
        expected = []
        for step in LIVE_MIGRATE_STEPS:
            expected += [(step, 'started'), (step, 'succeeded')]
        self.assertEqual(expected, events)

    def test_prefer_wait_answers_the_finished_task(self):
        # The service's own action controller (async_api.ActionController)
        # honours Prefer: wait as the library's task controllers do.
        server = self.client.create_server()
        response = self.client.action(server, 'reboot', {'type': 'SOFT'},
                                      headers={'Prefer': 'wait=60'},
                                      timeout=90)
        self.assertEqual(200, response.status_code, response.text)
        task = response.json()
        self.assertEqual(states.SUCCEEDED, task['state'], task)
        self.assertEqual('wait=30', response.headers['Preference-Applied'])
        self.assertIn('Prefer', response.headers['Vary'])
        self.assertNotIn('Retry-After', response.headers)
        self.assertTrue(response.headers['Location'].endswith(
            '/v2/tasks/%s' % task['uuid']), response.headers['Location'])

    def test_tasks_on_one_server_run_in_the_order_accepted(self):
        server = self.client.create_server()
        accepted = [
            self.accept(server, 'reboot', {'type': 'SOFT'}),
            self.accept(server, 'live_migrate', {'host': 'compute-2'}),
            self.accept(server, 'reboot', {'type': 'HARD'}),
            self.accept(server, 'live_migrate', {'host': 'compute-1'}),
        ]
        # Accepted while the ones before ran: they waited their turn.
        self.assertIn(states.QUEUED, [t['state'] for t in accepted[1:]])
        done = [self.client.wait_for_task(t['uuid']) for t in accepted]
        self.assertEqual([states.SUCCEEDED] * 4,
                         [t['state'] for t in done], done)
        for before, after in zip(done, done[1:]):
            self.assertLessEqual(_time(before['finished_at']),
                                 _time(after['started_at']))
        self.assertEqual(['HARD', 'compute-2'],
                         [done[2]['result']['type'],
                          done[3]['result']['previous_host']])

    def test_idempotency_key_replays_the_first_answer(self):
        server = self.client.create_server()
        key = {'Idempotency-Key': 'migrate-%s' % uuid.uuid4().hex}
        first = self.accept(server, 'live_migrate', {'host': 'compute-2'},
                            headers=key)
        again = self.client.action(server, 'live_migrate',
                                   {'host': 'compute-2'}, headers=key)
        self.assertEqual(202, again.status_code, again.text)
        self.assertEqual('true', again.headers['Idempotent-Replayed'])
        self.assertEqual(first['uuid'], again.json()['uuid'])
        self.assertEqual(self.url + '/v2/tasks/' + first['uuid'],
                         again.headers['Location'])

        other = self.client.action(server, 'live_migrate',
                                   {'host': 'compute-1'}, headers=key)
        self.assertEqual(422, other.status_code, other.text)
        self.assertEqual('idempotency_key_mismatch',
                         other.json()['errors'][0]['code'])
        # One operation only.
        self.assertEqual(states.SUCCEEDED,
                         self.client.wait_for_task(first['uuid'])['state'])
        history = self.client.get_json(
            '/v2/servers/%s/tasks' % server['uuid'])['tasks']
        self.assertEqual([first['uuid']], [t['uuid'] for t in history])

    def test_failed_precheck_is_a_failed_task(self):
        server = self.client.create_server()
        # Accepted: only bad input is a 400, not a host that cannot be
        # used (the Nova seed).
        for host in ('nowhere', 'compute-4', 'compute-1'):
            task = self.accept(server, 'live_migrate', {'host': host})
            done = self.client.wait_for_task(task['uuid'])
            self.assertEqual(states.FAILED, done['state'], done)
            self.assertEqual('destination_unavailable',
                             done['error']['code'], done)
            self.assertIsNone(done['result'])
            steps = {(e['event'], e['state'])
                     for e in self.client.events(task['uuid'])}
            self.assertIn(('check-destination', 'failed'), steps)
            # Nothing after the checks ran.
            self.assertFalse({s for s, _ in steps} & {
                'start-migration', 'transfer-server', 'switch-host'})
        after = self.client.get_json('/v2/servers/%s' % server['uuid'])
        self.assertEqual(server, after)

        bad = self.client.action(server, 'live_migrate', {'hst': 'x'})
        self.assertEqual(400, bad.status_code, bad.text)

    def test_failed_transfer_is_reverted(self):
        server = self.client.create_server()
        task = self.accept(server, 'live_migrate', {'host': 'compute-3'})
        done = self.client.wait_for_task(task['uuid'])
        self.assertEqual(states.FAILED, done['state'], done)
        self.assertEqual('migration_failed', done['error']['code'])
        steps = [(e['event'], e['state'])
                 for e in self.client.events(task['uuid'])]
        self.assertIn(('transfer-server', 'failed'), steps)
        self.assertIn(('start-migration', 'reverted'), steps)
        after = self.client.get_json('/v2/servers/%s' % server['uuid'])
        self.assertEqual(('ACTIVE', 'compute-1'),
                         (after['status'], after['host']))


class TestComputeEmbedded(ComputeMixin, testtools.TestCase):
    """``--role all``: SQLite and the SQL board in one process."""

    CONDUCTOR_HOSTS = ('all',)

    def deploy(self):
        return compute.Deployment()


class TestComputeDistributed(ComputeMixin, testtools.TestCase):
    """PostgreSQL, Redis, one API process and two conductor processes."""

    CONDUCTOR_HOSTS = ('conductor-0', 'conductor-1')

    def deploy(self):
        postgresql = servers.require(self, servers.POSTGRESQL)
        redis = servers.require(self, servers.REDIS)
        database = db_fixtures.PostgreSQLDatabase(postgresql, migrate=False)
        board = {'backend': 'redis', 'hosts': redis.split('//', 1)[1],
                 'board_name': 'compute-%s' % uuid.uuid4().hex[:12]}
        return _WithDatabase(database, board)


class _WithDatabase(compute.Deployment):
    """A deployment on a database fixture of its own."""

    def __init__(self, database, board):
        super().__init__(board=board, conductors=2)
        self.database = database

    def _setUp(self):
        self.database_url = self.useFixture(self.database).url
        super()._setUp()
