"""Lanes: one resource, one order; several resources without deadlock."""

import threading
from unittest import mock

import fixtures
from oslo_context import context as oslo_context
from oslo_utils import uuidutils
import sqlalchemy as sa

from async_api.common import exception
from async_api.baremetal import conf as async_conf
from async_api.db import engine as db_engine
from async_api.db import lanes as db_lanes
from async_api.db import models
from async_api.db import tasks as db_tasks
from async_api.operations import registry
from async_api.tasks import lanes
from async_api.common import states
from async_api.tasks import submit
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import servers

#: An operation on two nodes (its own, and ``target`` in ``resources``).
MOVE = registry.Operation(
    name='node.test_move', resource_type='node',
    schema={'type': 'object'}, flow_factory='tests:move_flow')
POKE = registry.Operation(
    name='node.test_poke', resource_type='node',
    schema={'type': 'object'}, flow_factory='tests:poke_flow')


class LanesTestCase(base.TestCase):
    """Submits with a faked board post, on a scratch SQLite database."""

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(self.database_fixture())
        self.useFixture(fixtures.MockPatchObject(registry, '_OPERATIONS',
                                                 {}))
        self.useFixture(fixtures.MockPatchObject(registry, '_LOADED', True))
        registry.register(MOVE)
        registry.register(POKE)
        self.posted = []
        self.useFixture(fixtures.MockPatch(
            'async_api.tasks.posting.post', side_effect=self._post))
        # Every post through _post, none within the accept's transaction.
        self.useFixture(fixtures.MockPatch(
            'async_api.tasks.posting.within_accept', return_value=None))
        self.context = oslo_context.RequestContext(project_id='p1')
        self.a, self.b, self.c = (uuidutils.generate_uuid()
                                  for _ in range(3))

    def database_fixture(self):
        return db_fixtures.SQLiteDatabase()

    def _post(self, conf, task, operation, fresh=False):
        self.posted.append(task.uuid)
        return mock.Mock(uuid=uuidutils.generate_uuid())

    def submit(self, resource, *others):
        return submit.submit(self.context, MOVE.name if others
                             else POKE.name, resource, {},
                             resources=list(others))

    def finish(self, task, state=states.SUCCEEDED):
        row = db_tasks.update_task(task.uuid, {'state': state})
        return lanes.advance(async_conf.CONF, row.released_lanes)

    def state(self, task):
        return db_tasks.get_task(task.uuid).state


class OnPostgreSQL:
    """Run a test case's tests on the run's PostgreSQL server."""

    def database_fixture(self):
        return db_fixtures.PostgreSQLDatabase(
            servers.require(self, servers.POSTGRESQL))


class OnMySQL:
    """Run a test case's tests on the run's MySQL or MariaDB server."""

    def database_fixture(self):
        return db_fixtures.MySQLDatabase(
            servers.require(self, servers.MYSQL))


class TestOneResource(LanesTestCase):

    def test_head_is_posted_the_rest_queued(self):
        first, second, third = (self.submit(self.a) for _ in range(3))
        self.assertEqual(states.PENDING, first.state)
        self.assertIsNotNone(first.job_uuid)
        self.assertEqual([states.QUEUED] * 2, [second.state, third.state])
        self.assertEqual([first.uuid], self.posted)
        self.assertEqual(3, db_lanes.count(self.a))

    def test_finishing_promotes_the_next_in_order(self):
        tasks = [self.submit(self.a) for _ in range(3)]
        promoted = self.finish(tasks[0])
        self.assertEqual([tasks[1].uuid], [t.uuid for t in promoted])
        self.assertEqual(states.PENDING, self.state(tasks[1]))
        self.assertEqual(states.QUEUED, self.state(tasks[2]))
        self.assertIsNotNone(db_tasks.get_task(tasks[1].uuid).job_uuid)
        self.finish(tasks[1], states.FAILED)
        self.assertEqual(states.PENDING, self.state(tasks[2]))
        self.assertEqual([t.uuid for t in tasks], self.posted)
        self.assertEqual(1, db_lanes.count(self.a))

    def test_other_resources_are_not_held(self):
        self.submit(self.a)
        other = self.submit(self.b)
        self.assertEqual(states.PENDING, other.state)

    def test_promotion_happens_once(self):
        first, second = self.submit(self.a), self.submit(self.a)
        db_tasks.update_task(first.uuid, {'state': states.SUCCEEDED})
        self.assertIsNotNone(lanes.promote_and_post(async_conf.CONF,
                                                    second.id))
        self.assertIsNone(lanes.promote_and_post(async_conf.CONF,
                                                 second.id))
        self.assertEqual(1, self.posted.count(second.uuid))

    def test_queue_limit(self):
        self.config(max_queued_per_resource=2, group='async_api_lanes')
        first = self.submit(self.a)
        self.submit(self.a)
        error = self.assertRaises(exception.ResourceQueueFull,
                                  self.submit, self.a)
        self.assertEqual(409, error.status)
        self.assertEqual('resource_queue_full', error.code)
        self.assertEqual(2, len(db_tasks.list_tasks()))
        # A finished task frees its place.
        self.finish(first)
        self.submit(self.a)
        # Other resources have their own limit.
        self.submit(self.b)

    def test_unpromoted_head_is_found(self):
        first, second = self.submit(self.a), self.submit(self.a)
        # Finished by a process that died before moving the lane on.
        db_tasks.update_task(first.uuid, {'state': states.SUCCEEDED})
        self.assertEqual([second.id], db_lanes.unpromoted_heads())


class LaneRows:
    """A lane's row is created by its first task, bumped by the next."""

    def rows(self):
        table = models.ResourceLane.__table__
        with db_engine.current().engine.connect() as conn:
            return {row.resource_uuid: row for row in conn.execute(
                sa.select(table))}

    def test_created_then_bumped(self):
        for _ in range(3):
            self.submit(self.a)
        self.submit(self.b, self.a)
        rows = self.rows()
        self.assertEqual({self.a: 4, self.b: 1},
                         {uuid: row.accepted for uuid, row in rows.items()})
        self.assertTrue(all(row.updated_at for row in rows.values()))

    def test_without_an_upsert(self):
        # MySQL's way: UPDATE, and INSERT IGNORE then UPDATE the first time.
        self.useFixture(fixtures.MockPatchObject(
            db_lanes, '_upsert', return_value=None))
        self.test_created_then_bumped()


class TestLaneRowsSQLite(LaneRows, LanesTestCase):
    pass


class TestLaneRowsPostgreSQL(OnPostgreSQL, LaneRows, LanesTestCase):
    pass


class TestLaneRowsMySQL(OnMySQL, LaneRows, LanesTestCase):
    pass


class TestSeveralResources(LanesTestCase):

    def test_waits_for_every_lane(self):
        on_a = self.submit(self.a)
        on_b = self.submit(self.b)
        move = self.submit(self.a, self.b)
        self.assertEqual(states.QUEUED, move.state)
        self.finish(on_a)
        self.assertEqual(states.QUEUED, self.state(move))
        self.finish(on_b)
        self.assertEqual(states.PENDING, self.state(move))

    def test_later_tasks_wait_for_it_in_each_lane(self):
        on_a = self.submit(self.a)
        move = self.submit(self.a, self.b)
        after_on_b = self.submit(self.b)
        # b is free, but the move was accepted first there: no starving.
        self.assertEqual(states.QUEUED, after_on_b.state)
        self.finish(on_a)
        self.assertEqual(states.PENDING, self.state(move))
        self.assertEqual(states.QUEUED, self.state(after_on_b))
        self.finish(move)
        self.assertEqual(states.PENDING, self.state(after_on_b))

    def test_crossed_moves_never_deadlock(self):
        ab = self.submit(self.a, self.b)
        ba = self.submit(self.b, self.a)
        c_then_a = self.submit(self.c, self.a)
        self.assertEqual(states.PENDING, ab.state)
        self.assertEqual(states.QUEUED, ba.state)
        self.assertEqual(states.QUEUED, c_then_a.state)
        self.finish(ab)
        self.assertEqual(states.PENDING, self.state(ba))
        self.finish(ba)
        self.assertEqual(states.PENDING, self.state(c_then_a))

    def test_finishing_report_releases_every_lane(self):
        dialect = db_engine.current().engine.dialect
        # Where the database cannot return the rows it deletes (MySQL),
        # the places are read first.
        for returning in (True, False):
            a, b = uuidutils.generate_uuid(), uuidutils.generate_uuid()
            move = self.submit(a, b)
            with mock.patch.object(dialect, 'delete_returning', returning):
                report = db_tasks.report(move.uuid,
                                         {'state': states.SUCCEEDED})
            self.assertEqual(sorted([a, b]), sorted(report.released_lanes))
            self.assertEqual((0, 0), (db_lanes.count(a), db_lanes.count(b)))

    def test_same_resource_twice_is_one_lane(self):
        task = self.submit(self.a, self.a)
        self.assertEqual(states.PENDING, task.state)
        self.assertEqual(1, db_lanes.count(self.a))


class ConcurrentSubmits:
    """Many threads submit on few resources: one head per lane, in order."""

    def lane(self, resource):
        with self.db.database.engine.connect() as conn:
            return list(conn.execute(sa.select(
                models.TaskLane.task_id).where(
                models.TaskLane.resource_uuid == resource).order_by(
                models.TaskLane.task_id)).scalars())

    def test_one_head_per_lane_in_id_order(self):
        errors = []
        resources = [self.a, self.b]

        def worker(n):
            try:
                for i in range(10):
                    if i % 3 == 0:
                        self.submit(self.a, self.b)
                    else:
                        self.submit(resources[(n + i) % 2])
            except Exception as e:
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(n,))
                   for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual([], errors)
        finished = []
        # Drain the lanes: always exactly the lanes' heads are pending.
        while True:
            active = db_tasks.list_tasks(task_states=states.ACTIVE,
                                         sort_dir='asc')
            if not active:
                break
            pending = [t for t in active if t.state == states.PENDING]
            self.assertTrue(pending)
            for resource in (self.a, self.b):
                in_lane = self.lane(resource)
                running = [i for i in in_lane
                           if i in {t.id for t in pending}]
                # Only the first of the lane may run.
                self.assertIn(running, ([], in_lane[:1]))
            for task in pending:
                self.finish(task)
                finished.append(task.id)
        self.assertEqual(40, len(finished))
        self.assertEqual(len(finished), len(set(self.posted)))


class TestConcurrentSQLite(ConcurrentSubmits, LanesTestCase):
    pass


class TestConcurrentPostgreSQL(OnPostgreSQL, ConcurrentSubmits,
                               LanesTestCase):
    pass


class _PausedCheck:
    """Wraps a prebuilt statement: pauses the submitter after it runs."""

    def __init__(self, statement, thread_name):
        self.statement = statement
        self.thread_name = thread_name
        self.ran = threading.Event()
        self.resume = threading.Event()

    def execute(self, conn, params):
        result = self.statement.execute(conn, params)
        if threading.current_thread().name == self.thread_name:
            self.ran.set()
            self.resume.wait(30)
        return result


class StrandedHead:
    """The task before a new one finishes while the new one is accepted.

    The interleaving of the stranded lane heads seen under load: the
    submitter's transaction has found the lane busy (the task before is
    running) and not yet committed, when that task finishes and its
    finisher looks for the lane's next head, which it cannot see yet.
    Then the submitter's own look after its commit is all that is left,
    and it fails (a busy database, or the API worker dies: here, it
    raises). The lane must still move on, and the submit must still
    answer with the task it accepted.
    """

    def test_finish_during_accept_strands_nothing(self):
        first = self.submit(self.a)
        # Paused once it has counted the places in the lane (the task
        # before is one of them).
        paused = _PausedCheck(db_lanes._queue_lengths(1), 'submitter')
        self.useFixture(fixtures.MockPatchObject(
            db_lanes, '_queue_lengths', lambda count: paused))
        self.useFixture(fixtures.MockPatchObject(
            db_lanes, 'is_head', side_effect=sa.exc.OperationalError(
                'SELECT', {}, Exception('the re-read failed'))))
        accepted = []

        def accept():
            try:
                accepted.append(self.submit(self.a))
            except Exception as e:
                accepted.append(e)

        submitter = threading.Thread(target=accept, name='submitter')
        submitter.start()
        self.assertTrue(paused.ran.wait(30))
        finisher = threading.Thread(target=self.finish, args=(first,))
        finisher.start()
        # Where the database lets it, the finish commits and looks for
        # the next head now, before the new task is committed.
        finisher.join(1)
        paused.resume.set()
        submitter.join(30)
        finisher.join(30)
        self.assertFalse(submitter.is_alive() or finisher.is_alive())
        second = accepted[0]
        self.assertIsInstance(second, models.Task)
        self.assertEqual(states.PENDING, self.state(second))
        self.assertIn(second.uuid, self.posted)
        self.assertEqual([], db_lanes.unpromoted_heads())


class TestStrandedHeadSQLite(StrandedHead, LanesTestCase):
    pass


class TestStrandedHeadPostgreSQL(OnPostgreSQL, StrandedHead, LanesTestCase):
    pass
