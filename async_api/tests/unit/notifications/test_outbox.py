"""Which notifications each recording point writes, and in what order."""

from oslo_utils import timeutils

from async_api.common import states
from async_api import conf as async_conf
from async_api.db import cancels as db_cancels
from async_api.db import tasks as db_tasks
from async_api import notifications
from async_api.tests.unit.notifications import base


def _event(step, state, **details):
    return {'event': step, 'state': state, 'host': 'h1',
            'details': details, 'traceback': None}


class TestRecording(base.NotificationTestCase):

    def test_a_run_in_the_order_it_was_committed(self):
        task = self.accept()
        db_tasks.report(task.uuid, {'state': states.RUNNING,
                                    'attempt': db_tasks.INCREMENT},
                        expected_states=[states.PENDING])
        db_tasks.report(task.uuid, {'step': 'a'},
                        event=_event('a', states.STEP_STARTED))
        db_tasks.report(task.uuid, {'progress': 50},
                        event=_event('a', states.STEP_FAILED))
        db_tasks.report(task.uuid, {'state': states.REVERTING, 'step': 'a'},
                        expected_states=[states.RUNNING],
                        event=_event('a', states.STEP_REVERTING))
        db_tasks.report(task.uuid, {}, event=_event('a', 'reverted'))
        db_tasks.report(task.uuid, {'state': states.FAILED})
        self.assertEqual(
            ['task.accepted', 'task.started', 'task.step.start',
             'task.step.end', 'task.reverting', 'task.step.start',
             'task.step.end', 'task.failed'], self.types())
        rows = self.rows()
        self.assertEqual(
            ['info', 'info', 'info', 'error', 'info', 'info', 'info',
             'error'], [row['priority'] for row in rows])
        self.assertEqual({'test.h1'}, {row['publisher_id'] for row in rows})
        # Each payload is the task as its transaction left it.
        self.assertEqual(
            ['pending', 'running', 'running', 'running', 'reverting',
             'reverting', 'reverting', 'failed'],
            [row['payload']['async_api_object.data']['state']
             for row in rows])

    def test_joined_reports_notify_the_steps_before_the_end(self):
        # A step's end held and written with the task's end: the step
        # happened first.
        task = self.accept()
        db_tasks.report(task.uuid, {'state': states.SUCCEEDED,
                                    'progress': 100},
                        event=_event('a', states.STEP_SUCCEEDED))
        self.assertEqual(['task.accepted', 'task.step.end',
                          'task.succeeded'], self.types())

    def test_a_retry_is_notified_once(self):
        task = self.accept()
        db_tasks.report(task.uuid, {'state': states.RUNNING,
                                    'attempt': db_tasks.INCREMENT})
        db_tasks.report(task.uuid, {'state': states.REVERTING})
        db_tasks.report(task.uuid, {'state': states.RUNNING, 'step': 'r'},
                        expected_states=[states.REVERTING],
                        event=_event('r', states.STEP_RETRYING))
        self.assertEqual(['task.accepted', 'task.started', 'task.reverting',
                          'task.retrying'], self.types())

    def test_a_refused_write_notifies_nothing(self):
        task = self.accept()
        epoch = db_tasks.claim_task(task.uuid, 'job-1')
        db_tasks.claim_task(task.uuid, 'job-1')  # Another run took it.
        self.assertRaises(db_tasks.FencedOff, db_tasks.report, task.uuid,
                          {'state': states.RUNNING}, fence=epoch,
                          event=_event('a', states.STEP_STARTED))
        self.assertEqual(['task.accepted'], self.types())

    def test_a_waiting_task_cancelled(self):
        task = self.accept()
        db_cancels.cancel_waiting(task.uuid, {
            'state': states.CANCELLED, 'finished_at': timeutils.utcnow(),
            'error': {'code': 'cancelled', 'message': 'x', 'step': None}},
            {'event': 'cancel', 'state': 'requested', 'details': {}})
        self.assertEqual(['task.accepted', 'task.cancelled'], self.types())

    def test_a_conductor_failing_a_task(self):
        task = self.accept()
        db_tasks.update_task(task.uuid, {'state': states.ERROR})
        self.assertEqual(['task.accepted', 'task.error'], self.types())


class TestNoop(base.base.TestCase):
    """The default: no driver, or ``noop``: nothing is written."""

    def test_nothing_is_written(self):
        db = self.useFixture(base.db_fixtures.SQLiteDatabase())
        self.addCleanup(notifications.shutdown)
        for drivers in ([], ['noop']):
            notifications.service.register_opts(async_conf.CONF)
            self.config(driver=drivers,
                        group='oslo_messaging_notifications')
            self.assertFalse(notifications.setup(async_conf.CONF,
                                                 send=True))
            task = base.NotificationTestCase.accept(self)
            db_tasks.report(task.uuid, {'state': states.SUCCEEDED})
            self.assertEqual([], base.outbox.pending(db.database.engine, 9))
