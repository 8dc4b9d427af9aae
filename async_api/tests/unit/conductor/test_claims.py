"""The claim loop, the engine option and the reporter's one-transaction
writes."""

import time
from unittest import mock

import sqlalchemy as sa
from taskflow import exceptions as tf_exc
from taskflow.patterns import linear_flow
from taskflow import task as tf_task
import testtools

from async_api.conductor import claims
from async_api.db import lanes as db_lanes
from async_api.db import tasks as db_tasks
from async_api.operations import registry
from async_api.persistence import backend as p_backend
from async_api.tests import db_fixtures
from async_api.common import states
from async_api.tests.unit.conductor import test_service
from async_api.tests.unit.flows import base


class TestReport(base.FlowTestCase):

    def test_row_and_event_in_one_fenced_write(self):
        task = self.make_task(self.make_node())
        fence = db_tasks.claim_task(task.uuid, 'job-1')
        event = {'event': 'x', 'state': 'started', 'host': 'h',
                 'details': {'atom_state': 'RUNNING'}, 'traceback': None}
        self.assertTrue(db_tasks.report(
            task.uuid, {'step': 'x'}, expected_states=(states.PENDING,),
            fence=fence, event=event))
        self.assertEqual('x', db_tasks.get_task(task.uuid).step)
        # A stale epoch: neither the row nor the event is written.
        self.assertRaises(db_tasks.FencedOff, db_tasks.report, task.uuid,
                          {'step': 'y'}, fence=fence - 1,
                          event=dict(event, event='y'))
        self.assertEqual('x', db_tasks.get_task(task.uuid).step)
        self.assertEqual([('x', 'started', {'atom_state': 'RUNNING'})],
                         [(e.event, e.state, e.details) for e in
                          db_tasks.list_events(task.uuid)])

    def test_state_mismatch_still_records_the_event(self):
        task = self.make_task(self.make_node(), state=states.CANCELLED)
        fence = db_tasks.claim_task(task.uuid, 'job-1')
        self.assertIsNone(fence)
        written = db_tasks.report(
            task.uuid, {'state': states.REVERTING},
            expected_states=(states.RUNNING,),
            event={'event': 'x', 'state': 'reverting'},
            fallback=({'step': 'x'}, (states.RUNNING,)))
        self.assertFalse(written)
        task = db_tasks.get_task(task.uuid)
        self.assertEqual((states.CANCELLED, None), (task.state, task.step))
        self.assertEqual(['x'], [e.event for e in
                                 db_tasks.list_events(task.uuid)])

    def test_terminal_write_releases_lanes(self):
        node = self.make_node()
        task = self.make_task(node)
        accepted = db_lanes.accept({'operation': task.operation,
                                    'resource_type': 'node',
                                    'resource_uuid': node.uuid,
                                    'params': {}}, [node.uuid])
        written = db_tasks.report(accepted.uuid,
                                  {'state': states.SUCCEEDED})
        self.assertEqual([node.uuid], written.released_lanes)
        self.assertEqual(0, db_lanes.count(node.uuid))


class TestClaimLoop(test_service.ServiceTestCase):

    def test_idle_conductor_wakes_on_a_post_in_this_process(self):
        # TaskFlow's own loop would sleep out the poll interval.
        self.config(poll_interval=30, group='async_api_jobboard')
        self.start(workers=2)
        time.sleep(0.2)
        started = time.monotonic()
        row = self.wait_for(self.submit(self.make_node()), timeout=10)
        self.assertEqual('succeeded', row.state, row.error)
        self.assertLess(time.monotonic() - started, 5)
        self.wait_board_empty()

    def run_counting_claims(self, workers, count, delay=0.0):
        """Run ``count`` tasks on ``workers``; the uuids of jobs claimed,
        one entry per claim tried (each taking ``delay`` s more)."""
        tried = []
        real = test_service.sql_board.SQLAlchemyJobBoard.claim

        def counting(board, job, who, expiry=None, then=None):
            tried.append(job.uuid)
            time.sleep(delay)
            return real(board, job, who, expiry=expiry, then=then)

        self.useFixture(test_service.fixtures.MockPatchObject(
            test_service.sql_board.SQLAlchemyJobBoard, 'claim', counting))
        self.start(workers=workers)
        tasks = [self.submit(self.make_node()) for _ in range(count)]
        for task in tasks:
            self.assertEqual('succeeded', self.wait_for(task).state)
        return tried

    def test_no_claims_lost_to_stale_listings(self):
        self.assertEqual(5, len(self.run_counting_claims(1, 5)))

    def test_workers_of_a_process_do_not_race_for_a_job(self):
        # Every worker of the process listing the same jobs at once (each
        # claim slow enough that the others list its job meanwhile): only
        # one of them tries each job, so no claim is lost.
        self.config(busy_runs=0, group='async_api_conductor')
        tried = self.run_counting_claims(8, 6, delay=0.05)
        self.assertEqual(sorted(set(tried)), sorted(tried))
        self.assertEqual(6, len(tried))
        self.wait_board_empty()
        self.assertEqual(set(), claims.IN_HAND._uuids)

    def test_parallel_engine(self):
        self.config(engine='parallel', group='async_api_conductor')
        svc = self.start(workers=1)
        self.assertEqual('parallel', svc.conductors[0]._engine)
        row = self.wait_for(self.submit(self.make_node()))
        self.assertEqual('succeeded', row.state, row.error)

    def test_the_job_and_its_task_are_claimed_in_one_transaction(self):
        # The board shares the task table's database here, as in the
        # embedded service.
        transactions = self.useFixture(
            db_fixtures.Transactions(self.db.database.engine))
        self.start(workers=1)
        task = self.submit(self.make_node())
        row = self.wait_for(task)
        self.assertEqual(states.SUCCEEDED, row.state, row.error)
        self.assertEqual(1, row.attempt)
        claims_made = transactions.containing(
            'UPDATE async_api_jobboard_jobs SET owner')
        self.assertEqual(1, len(claims_made), claims_made)
        self.assertEqual(
            1, sum(s.startswith('UPDATE async_api_tasks SET')
                   and 'claim_epoch' in s for s in claims_made[0]),
            claims_made[0])

    def test_a_refused_claim_does_not_take_the_task_up(self):
        task = self.submit(self.make_node())
        job = next(iter(self.poster.iterjobs()))
        self.poster.claim(job, 'someone-else')
        epoch = self.task_epoch(task)
        conductor = self.start(workers=1).conductors[0]
        self.assertFalse(conductor._claim(job))
        self.assertEqual(epoch, self.task_epoch(task))

    def task_epoch(self, task):
        with self.db.database.engine.connect() as connection:
            return connection.execute(sa.text(
                'SELECT claim_epoch FROM async_api_tasks WHERE uuid = :u'),
                {'u': task.uuid}).scalar_one()


# Runs of each task by FencedAtTheEnd (by task uuid).
RUNS = {}


class FencedAtTheEnd(tf_task.Task):
    """Takes its task's epoch away on the task's first run only."""

    def execute(self, task_uuid):
        RUNS[task_uuid] = RUNS.get(task_uuid, 0) + 1
        if RUNS[task_uuid] == 1:
            # Another conductor takes the task up: the run's final report
            # is refused.
            db_tasks.claim_task(task_uuid,
                                db_tasks.get_task(task_uuid).job_uuid)


def fenced_at_the_end():
    return linear_flow.Flow('fenced-at-the-end').add(FencedAtTheEnd('end'))


class TestConsumedWithTheReport(test_service.ServiceTestCase):
    """Flow progress and the board on the test database, as in the
    embedded service: the job goes with the task's final report."""

    def make_persistence(self):
        return p_backend.SQLBackend({}, engine=self.db.database.engine)

    def test_the_job_is_consumed_in_the_final_reports_transaction(self):
        transactions = self.useFixture(
            db_fixtures.Transactions(self.db.database.engine))
        self.start(workers=1)
        row = self.wait_for(self.submit(self.make_node()))
        self.assertEqual(states.SUCCEEDED, row.state, row.error)
        self.wait_board_empty()
        consumes = transactions.containing(
            'DELETE FROM async_api_jobboard_jobs')
        self.assertEqual(1, len(consumes), consumes)
        self.assertTrue(any(s.startswith('UPDATE async_api_tasks SET state')
                            for s in consumes[0]), consumes[0])

    def test_a_final_report_refused_by_the_fence_consumes_nothing(self):
        registry.register(registry.Operation(
            name='node.fenced_at_the_end', resource_type='node',
            schema={'type': 'object'},
            flow_factory='async_api.tests.unit.conductor.test_claims:'
                         'fenced_at_the_end'))
        self.start(workers=1)
        task = self.submit(self.make_node(),
                           operation='node.fenced_at_the_end')
        # Had the refused run consumed the job, nothing would run the
        # task again and it would stay running.
        row = self.wait_for(task)
        self.assertEqual(states.SUCCEEDED, row.state, row.error)
        self.assertEqual(2, RUNS[row.uuid])
        self.wait_board_empty()


class TestInHand(testtools.TestCase):

    def test_one_worker_holds_a_job(self):
        in_hand = claims.InHand()
        self.assertTrue(in_hand.take('job-1'))
        self.assertFalse(in_hand.take('job-1'))
        self.assertTrue(in_hand.take('job-2'))
        in_hand.drop('job-1')
        self.assertTrue(in_hand.take('job-1'))

    def test_a_failed_claim_gives_the_job_back(self):
        loop = claims.ClaimLoop()
        loop._wait_timeout = mock.Mock(is_stopped=mock.Mock(
            return_value=False))
        loop._jobboard = mock.Mock()
        loop._jobboard.iterjobs.return_value = [_Job('a', uuid='job-a')]
        loop._jobboard.claim.side_effect = tf_exc.JobFailure('unreachable')
        loop._name = 'worker'
        self.assertRaises(tf_exc.JobFailure, loop._next_job, False)
        self.assertNotIn('job-a', claims.IN_HAND._uuids)
        loop._jobboard.claim.side_effect = tf_exc.UnclaimableJob('taken')
        self.assertIsNone(loop._next_job(False))
        self.assertNotIn('job-a', claims.IN_HAND._uuids)
        loop._jobboard.claim.side_effect = None
        self.assertEqual('a', loop._next_job(False).name)
        self.assertIn('job-a', claims.IN_HAND._uuids)
        claims.IN_HAND.drop('job-a')


class _Job:
    def __init__(self, name, priority='NORMAL', uuid=None):
        self.name = name
        self.priority = priority
        self.uuid = uuid or name


class TestSpread(testtools.TestCase):
    """Workers of one service start claiming at different jobs."""

    def spread(self, offset, jobs):
        loop = claims.ClaimLoop()
        loop.claim_offset = offset
        return [job.name for job in loop._spread(jobs)]

    def test_each_worker_starts_at_its_own_job(self):
        jobs = [_Job(name) for name in 'abcd']
        self.assertEqual(list('abcd'), self.spread(0, jobs))
        self.assertEqual(list('bcda'), self.spread(1, jobs))
        self.assertEqual(list('bcda'), self.spread(5, jobs))

    def test_never_passes_over_a_more_urgent_job(self):
        jobs = [_Job('a', 'HIGH'), _Job('b'), _Job('c')]
        self.assertEqual(list('abc'), self.spread(1, jobs))
        jobs = [_Job('a'), _Job('b'), _Job('c', 'LOW')]
        self.assertEqual(list('bac'), self.spread(1, jobs))
