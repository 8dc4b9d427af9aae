"""A run suspended for an outage resumes from what it stored.

As in the service on its embedded database: flow progress on the test
database, the flow's saves held for the reports
(:mod:`async_api.db.deferred`), and after the run the failed step put
back (:meth:`~async_api.conductor.listeners.TaskReporter.repair`) in the
run's last transaction. The next attempt loads the flow from the
database, as a conductor claiming the job again does.
"""

import contextlib

from oslo_db import exception as db_exc
import taskflow.engines
from taskflow.patterns import linear_flow
from taskflow import states as tf_states

from async_api.conductor import listeners
from async_api.db import deferred
from async_api.db import engine as db_engine
from async_api.db import tasks as db_tasks
from async_api.persistence import backend as p_backend
from async_api.tests.unit.flows import base


class TestResumeAfterOutage(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.bind = db_engine.current().engine
        self.backend = p_backend.SQLBackend({}, engine=self.bind)
        self.log = []
        # The outage is over by the end of the run: what the run held,
        # the step put back included, commits.
        self.flow = linear_flow.Flow('outage').add(
            base.LoggedStep('one', self.log),
            base.LoggedStep('two', self.log, [db_exc.DBConnectionError(
                'attempt to write a readonly database')]),
            base.LoggedStep('three', self.log))
        self.task = self.make_task(self.make_node())

    def run_once(self, flow_detail=None):
        """One claim of the job: the conductor's run of the flow."""
        engine = taskflow.engines.load(
            self.flow, flow_detail=flow_detail, backend=self.backend,
            engine='serial')
        fence = db_tasks.claim_task(self.task.uuid, 'job-1')
        reporter = listeners.TaskReporter(engine, self.task.uuid,
                                          host='c1', fence=fence)
        with deferred.holding(self.bind):
            with reporter:
                try:
                    engine.run()
                except Exception:
                    pass
            if reporter.outage is not None:
                reporter.repair()
        return engine, reporter

    def stored(self, flow_uuid):
        with contextlib.closing(self.backend.get_connection()) as conn:
            return conn.get_flow_details(flow_uuid)

    def test_the_next_attempt_runs_the_step_again(self):
        engine, reporter = self.run_once()
        self.assertEqual('two', reporter.outage[0])
        self.assertEqual(tf_states.SUSPENDED,
                         engine.storage.get_flow_state())
        flow_detail = self.stored(engine.storage.flow_uuid)
        # Stored as the run left it in memory: the step to run again,
        # no atom meant to revert.
        self.assertEqual(
            {'one': (tf_states.SUCCESS, tf_states.EXECUTE),
             'two': (tf_states.PENDING, tf_states.EXECUTE),
             'three': (tf_states.PENDING, tf_states.EXECUTE)},
            {ad.name: (ad.state, ad.intention) for ad in flow_detail})
        again, reporter = self.run_once(flow_detail)
        self.assertEqual(tf_states.SUCCESS, again.storage.get_flow_state())
        self.assertEqual('succeeded', reporter.outcome)
        self.assertEqual([('run', 'one'), ('run', 'two'), ('run', 'two'),
                          ('run', 'three')], self.log)
        self.assertEqual('succeeded', db_tasks.get_task(self.task.uuid).state)
