"""Held flow saves: committed with the report of the same state change."""

import contextlib

import sqlalchemy as sa
from taskflow.persistence import models as tf_models

from async_api.db import deferred
from async_api.db import engine as db_engine
from async_api.db import tasks as db_tasks
from async_api.persistence import backend as p_backend
from async_api.persistence import models as p_models
from async_api.tests.unit.flows import base


class HeldSavesTestCase(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.bind = db_engine.current().engine
        self.backend = p_backend.SQLBackend({}, engine=self.bind)
        self.conn = self.backend.get_connection()
        self.book = tf_models.LogBook('book')
        self.flow = tf_models.FlowDetail('flow', uuid='flow-1')
        self.atom = tf_models.TaskDetail('step', uuid='atom-1')
        self.flow.add(self.atom)
        self.book.add(self.flow)
        self.conn.save_logbook(self.book)
        self.task = self.make_task(self.make_node())
        self.fence = db_tasks.claim_task(self.task.uuid, 'job-1')

    def stored_atom_state(self):
        with self.bind.connect() as conn:
            return conn.execute(sa.select(p_models.atom_details.c.state).where(
                p_models.atom_details.c.uuid == 'atom-1')).scalar()

    def save_atom(self, state):
        atom = self.atom.copy()
        atom.state = state
        self.conn.update_atom_details(atom)

    def report(self, step, fence=None):
        return db_tasks.report(
            self.task.uuid, {'step': step},
            fence=self.fence if fence is None else fence,
            event={'event': step, 'state': 'started'})

    def count_commits(self):
        commits = []

        def on_commit(conn):
            commits.append(conn)
        sa.event.listen(self.bind, 'commit', on_commit)
        self.addCleanup(sa.event.remove, self.bind, 'commit', on_commit)
        return commits


class TestHeldSaves(HeldSavesTestCase):

    def test_atom_save_commits_with_the_report(self):
        commits = self.count_commits()
        with deferred.holding(self.bind):
            self.save_atom('RUNNING')
            # Held: not written yet.
            self.assertIsNone(self.stored_atom_state())
            self.report('step')
            self.assertEqual('RUNNING', self.stored_atom_state())
        self.assertEqual(1, len(commits))

    def test_fenced_off_report_writes_neither(self):
        with deferred.holding(self.bind):
            self.save_atom('RUNNING')
            self.assertRaises(db_tasks.FencedOff, self.report, 'step',
                              fence=self.fence - 1)
            self.assertIsNone(self.stored_atom_state())
            # What the reporter does once fenced off.
            deferred.discard(self.bind)
        self.assertIsNone(self.stored_atom_state())
        self.assertIsNone(db_tasks.get_task(self.task.uuid).step)

    def test_failed_report_keeps_the_save_for_the_next(self):
        with deferred.holding(self.bind):
            self.save_atom('RUNNING')
            with contextlib.suppress(Exception):
                db_tasks.report('no-such-task', {'step': 'x'})
            self.assertIsNone(self.stored_atom_state())
            self.report('step')
            self.assertEqual('RUNNING', self.stored_atom_state())

    def test_leftovers_are_written_on_leaving(self):
        with deferred.holding(self.bind):
            self.save_atom('SUCCESS')
        self.assertEqual('SUCCESS', self.stored_atom_state())

    def test_last_save_of_an_atom_wins(self):
        with deferred.holding(self.bind):
            self.save_atom('RUNNING')
            self.save_atom('SUCCESS')
            self.report('step')
        self.assertEqual('SUCCESS', self.stored_atom_state())

    def test_a_save_back_to_the_committed_row_replaces_a_held_one(self):
        with deferred.holding(self.bind):
            self.save_atom('RUNNING')
            self.report('step')
            self.save_atom('FAILURE')
            # The row committed again: not left out while the FAILURE
            # save is held, which would commit after it.
            self.save_atom('RUNNING')
        self.assertEqual('RUNNING', self.stored_atom_state())

    def test_new_atoms_are_inserted_before_their_updates(self):
        flow = self.flow.copy()
        new = tf_models.TaskDetail('second', uuid='atom-2')
        flow.add(new)
        with deferred.holding(self.bind):
            self.conn.update_flow_details(flow)
            running = new.copy()
            running.state = 'RUNNING'
            self.conn.update_atom_details(running)
            # A later save of the flow keeps its place, before the atom's.
            flow.state = 'RUNNING'
            self.conn.update_flow_details(flow)
            self.report('second')
        stored = self.conn.get_flow_details('flow-1')
        self.assertEqual('RUNNING', stored.state)
        self.assertEqual('RUNNING', stored.find('atom-2').state)

    def test_flow_save_looks_up_only_atoms_it_does_not_know(self):
        selects = []

        def before(conn, cursor, statement, *args):
            if statement.startswith('SELECT'):
                selects.append(statement)
        sa.event.listen(self.bind, 'before_cursor_execute', before)
        self.addCleanup(sa.event.remove, self.bind, 'before_cursor_execute',
                        before)
        flow = self.flow.copy()
        # atom-1 was saved with the logbook; atom-2 is new to this process
        # and is looked up.
        flow.add(tf_models.TaskDetail('second', uuid='atom-2'))
        with deferred.holding(self.bind):
            self.conn.update_flow_details(flow)
            self.report('second')
        self.assertEqual(1, len(selects))
        # Now both are known: the flow's next save reads nothing.
        flow.state = 'SUCCESS'
        with deferred.holding(self.bind):
            self.conn.update_flow_details(flow)
            self.report('second')
        self.assertEqual(1, len(selects))
        stored = self.conn.get_flow_details('flow-1')
        self.assertEqual(('SUCCESS', 2), (stored.state, len(stored)))

    def test_reads_see_held_saves(self):
        with deferred.holding(self.bind):
            self.save_atom('RUNNING')
            self.assertEqual('RUNNING',
                             self.conn.get_atom_details('atom-1').state)

    def test_reads_with_nothing_held_commit_nothing(self):
        commits = self.count_commits()
        with deferred.holding(self.bind):
            self.assertEqual('step',
                             self.conn.get_atom_details('atom-1').name)
            self.assertEqual([], commits)
            self.save_atom('RUNNING')
            self.conn.get_atom_details('atom-1')
            self.assertEqual(1, len(commits))

    def test_without_holding_saves_commit_at_once(self):
        self.save_atom('RUNNING')
        self.assertEqual('RUNNING', self.stored_atom_state())

    def test_another_engine_is_not_held(self):
        other = sa.create_engine('sqlite://')
        self.addCleanup(other.dispose)
        with deferred.holding(other):
            self.save_atom('RUNNING')
            self.assertEqual('RUNNING', self.stored_atom_state())

    def test_not_reentrant(self):
        with deferred.holding(self.bind):
            with self.assertRaises(RuntimeError):
                with deferred.holding(self.bind):
                    pass


class TestHeldReports(HeldSavesTestCase):

    def test_held_report_commits_first_with_the_next(self):
        with deferred.holding(self.bind):
            self.assertIsNone(db_tasks.report(
                self.task.uuid, {'progress': 50}, fence=self.fence,
                event={'event': 'one', 'state': 'succeeded'}, hold=True))
            self.assertEqual([], db_tasks.list_events(self.task.uuid))
            self.report('two')
        self.assertEqual([('one', 'succeeded'), ('two', 'started')],
                         [(e.event, e.state) for e in
                          db_tasks.list_events(self.task.uuid)])
        task = db_tasks.get_task(self.task.uuid)
        self.assertEqual((50, 'two'), (task.progress, task.step))

    def test_stale_held_report_fails_the_next_and_writes_nothing(self):
        with deferred.holding(self.bind):
            self.save_atom('SUCCESS')
            db_tasks.report(self.task.uuid, {'progress': 50},
                            fence=self.fence - 1, hold=True)
            self.assertRaises(db_tasks.FencedOff, self.report, 'two')
            deferred.discard(self.bind)
        self.assertIsNone(self.stored_atom_state())
        self.assertEqual([], db_tasks.list_events(self.task.uuid))

    def statements(self):
        seen = []

        def before(conn, cursor, statement, *args):
            seen.append(statement.split(' (')[0].split(' SET')[0])
        sa.event.listen(self.bind, 'before_cursor_execute', before)
        self.addCleanup(sa.event.remove, self.bind, 'before_cursor_execute',
                        before)
        return seen

    def test_held_reports_of_a_task_join_the_next(self):
        working = ('pending', 'running')
        seen = self.statements()
        with deferred.holding(self.bind):
            db_tasks.report(self.task.uuid, {'state': 'running',
                                             'attempt': db_tasks.INCREMENT},
                            expected_states=working, fence=self.fence,
                            event={'event': 'flow', 'state': 'started'},
                            hold=True)
            db_tasks.report(self.task.uuid, {'step': 'one'},
                            expected_states=working, fence=self.fence,
                            event={'event': 'one', 'state': 'started'})
        # One UPDATE of the row, one INSERT of both events.
        self.assertEqual(['UPDATE async_api_tasks',
                          'INSERT INTO async_api_task_events'], seen)
        task = db_tasks.get_task(self.task.uuid)
        self.assertEqual(('running', 1, 'one'),
                         (task.state, task.attempt, task.step))
        self.assertEqual(['flow', 'one'], [
            e.event for e in db_tasks.list_events(self.task.uuid)])

    def test_reports_are_joined_only_where_the_result_is_the_same(self):
        seen = self.statements()
        with deferred.holding(self.bind):
            # Leaves the row in a state the next does not accept: that
            # one must not change it.
            db_tasks.report(self.task.uuid, {'state': 'reverting'},
                            expected_states=('pending',), fence=self.fence,
                            hold=True)
            db_tasks.report(self.task.uuid, {'step': 'late'},
                            expected_states=('pending',), fence=self.fence)
        # Each its own UPDATE, and the refused one a second to tell a
        # fence from a state.
        self.assertEqual(['UPDATE async_api_tasks'] * 3, seen)
        task = db_tasks.get_task(self.task.uuid)
        self.assertEqual(('reverting', None), (task.state, task.step))
        del seen[:]
        with deferred.holding(self.bind):
            # Two increments of one column stay two.
            for _ in range(2):
                db_tasks.report(self.task.uuid,
                                {'attempt': db_tasks.INCREMENT},
                                expected_states=('reverting',),
                                fence=self.fence, hold=True)
            db_tasks.report(self.task.uuid, {'step': 'x'},
                            expected_states=('reverting',), fence=self.fence)
        self.assertEqual(['UPDATE async_api_tasks'] * 2, seen)
        self.assertEqual(2, db_tasks.get_task(self.task.uuid).attempt)

    def test_outside_holding_a_report_commits_at_once(self):
        self.assertTrue(db_tasks.report(
            self.task.uuid, {'progress': 50}, fence=self.fence, hold=True))
        self.assertEqual(50, db_tasks.get_task(self.task.uuid).progress)
