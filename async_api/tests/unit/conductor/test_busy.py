"""Turns to run: at most ``busy_runs`` runs of a service compute at once."""

import threading
import time
import types
from unittest import mock

import fixtures
from taskflow import exceptions as tf_exc
import testtools

from async_api.conductor import busy
from async_api.conductor import deadlines
from async_api.tests.unit.conductor import test_service


class Taker(threading.Thread):
    """Takes a turn in a thread of its own (a worker waiting for one)."""

    def __init__(self, runs, stopped=lambda: False):
        super().__init__(daemon=True)
        self.runs = runs
        self.stopped = stopped
        self.turn = None
        self.done = threading.Event()
        self.start()

    def run(self):
        self.turn = self.runs.take(self.stopped)
        self.done.set()


class TestBusyRuns(testtools.TestCase):

    def test_at_most_limit_turns_are_out(self):
        runs = busy.BusyRuns(2)
        first = runs.take(lambda: False)
        runs.take(lambda: False)
        waiting = Taker(runs)
        self.assertFalse(waiting.done.wait(0.2))
        first.give_back()
        self.assertTrue(waiting.done.wait(5))
        self.assertIsNotNone(waiting.turn)

    def test_a_turn_is_given_back_once(self):
        runs = busy.BusyRuns(1)
        turn = runs.take(lambda: False)
        turn.give_back()
        turn.give_back()
        self.assertTrue(turn.returned)
        runs.take(lambda: False)
        # Had the second give_back counted, this one would not wait.
        self.assertFalse(Taker(runs).done.wait(0.2))

    def test_no_bound(self):
        runs = busy.BusyRuns(0)
        for _ in range(5):
            self.assertIsNotNone(runs.take(lambda: False))

    def test_a_backlog_lifts_the_bound_until_it_is_gone(self):
        runs = busy.BusyRuns(1)
        first = runs.take(lambda: False)
        waiting = Taker(runs)
        self.assertFalse(waiting.done.wait(0.2))
        runs.saw_backlog(busy.BusyRuns.BACKLOG - 1)
        self.assertFalse(waiting.done.wait(0.2))
        runs.saw_backlog(busy.BusyRuns.BACKLOG)
        self.assertTrue(waiting.done.wait(5))
        # The backlog is gone: both turns out must come back before
        # another is taken.
        runs.saw_backlog(1)
        later = Taker(runs)
        first.give_back()
        self.assertFalse(later.done.wait(0.2))
        waiting.turn.give_back()
        self.assertTrue(later.done.wait(5))

    def test_a_stopped_worker_takes_no_turn(self):
        runs = busy.BusyRuns(1)
        runs.take(lambda: False)
        stop = threading.Event()
        waiting = Taker(runs, stopped=stop.is_set)
        self.assertFalse(waiting.done.wait(0.2))
        stop.set()
        runs.interrupt()
        self.assertTrue(waiting.done.wait(5))
        self.assertIsNone(waiting.turn)


class TestWaitingSteps(testtools.TestCase):
    """A run's deadlines tell once when one of its steps waits."""

    def run_steps(self, *sleeps, timeout=None, waiting_after=0.01):
        self.useFixture(fixtures.MockPatchObject(
            deadlines, 'waiting_after', return_value=waiting_after))
        run = deadlines.RunDeadlines(step_timeout=timeout)
        told = run.on_waiting = mock.Mock()
        outcomes = [run.execute(types.SimpleNamespace(name='step'),
                                lambda s: time.sleep(s) or s, sleep)
                    for sleep in sleeps]
        return told, outcomes

    def test_a_step_that_waits_is_told_once_a_run(self):
        told, outcomes = self.run_steps(0.1, 0.1)
        told.assert_called_once_with()
        self.assertEqual([0.1, 0.1], outcomes)

    def test_steps_that_return_at_once_are_not_told(self):
        told, outcomes = self.run_steps(0, 0, waiting_after=5.0)
        told.assert_not_called()
        self.assertEqual([0, 0], outcomes)

    def test_a_waiting_step_keeps_its_deadline(self):
        told, outcomes = self.run_steps(2.0, timeout=0.2)
        told.assert_called_once_with()
        self.assertIsInstance(outcomes[0][1].exception,
                              deadlines.StepTimedOut)


class TestTurnsOfAService(test_service.ServiceTestCase):
    """Workers of a service take turns, and give them back to waits."""

    def runs_at_once(self, nodes, workers=4):
        """The most runs of one service that overlapped, powering
        ``nodes`` on (their jobs all posted before it starts)."""
        at_once = []
        running = [0]
        lock = threading.Lock()
        real = test_service.service.TaskConductor._dispatch_job

        def counting(conductor, job):
            with lock:
                running[0] += 1
                at_once.append(running[0])
            try:
                return real(conductor, job)
            finally:
                with lock:
                    running[0] -= 1

        self.useFixture(fixtures.MockPatchObject(
            test_service.service.TaskConductor, '_dispatch_job', counting))
        tasks = [self.submit(node) for node in nodes]
        self.start(workers=workers)
        for task in tasks:
            row = self.wait_for(task, timeout=30)
            self.assertEqual('succeeded', row.state, row.error)
        return max(at_once)

    def computing_nodes(self, count):
        # Their BMC call takes 0.3 s; counted as computing, not waiting.
        self.useFixture(fixtures.MockPatchObject(
            deadlines, 'waiting_after', return_value=60.0))
        return [self.make_node(fake_delay={'set_power_state': 0.3})
                for _ in range(count)]

    def test_runs_that_compute_take_turns(self):
        self.config(busy_runs=1, group='async_api_conductor')
        self.assertEqual(1, self.runs_at_once(self.computing_nodes(4)))

    def test_a_backlog_lifts_the_bound(self):
        self.config(busy_runs=1, group='async_api_conductor')
        self.useFixture(fixtures.MockPatchObject(busy.BusyRuns, 'BACKLOG',
                                                 3))
        self.assertGreater(self.runs_at_once(self.computing_nodes(6)), 1)

    def test_runs_whose_steps_wait_do_not_hold_a_turn(self):
        self.config(busy_runs=1, group='async_api_conductor')
        nodes = [self.make_node(fake_delay={'set_power_state': 0.5})
                 for _ in range(4)]
        self.assertGreater(self.runs_at_once(nodes), 1)

    def test_no_bound(self):
        self.config(busy_runs=0, group='async_api_conductor')
        self.assertGreater(self.runs_at_once(self.computing_nodes(4)), 1)

    def test_a_worker_backing_off_holds_no_turn(self):
        # A claim that fails on the board (unreachable, say) makes the
        # worker wait a poll interval before it tries again: meanwhile an
        # accept of its process must be able to compute.
        self.config(busy_runs=1, group='async_api_conductor')
        self.config(poll_interval=30, group='async_api_jobboard')
        tried = threading.Event()

        def failing(board, job, who, expiry=None, then=None):
            tried.set()
            raise tf_exc.JobFailure('board unreachable')

        self.useFixture(fixtures.MockPatchObject(
            test_service.sql_board.SQLAlchemyJobBoard, 'claim', failing))
        self.submit(self.make_node())
        svc = self.start(workers=1)
        self.assertTrue(tried.wait(10))
        taker = Taker(svc.turns)
        self.assertTrue(taker.done.wait(5))
        taker.turn.give_back()
