"""What a failed step shows: a stable code and a safe message."""

import fixtures
from oslo_db import exception as db_exc
import sqlalchemy.exc
from taskflow.types import failure as tf_failure
import testtools

from async_api.baremetal.drivers import base as driver_base
from async_api.tasks import failures
from flows import common

SQL = 'UPDATE nodes SET driver_info=? WHERE nodes.uuid = ?'
PARAMS = ('{"ipmi_password": "hunter2"}', 'n-1')


def database_error():
    return sqlalchemy.exc.IntegrityError(
        SQL, PARAMS, Exception('CHECK constraint failed'))


def failure_of(error):
    try:
        raise error
    except Exception:
        return tf_failure.Failure()


class TestDescribe(testtools.TestCase):

    def assert_hidden(self, error, code):
        for failure in (error, failure_of(error)):
            shown = failures.describe(failure, 'req-1')
            self.assertEqual(code, shown['code'])
            for secret in ('hunter2', 'UPDATE nodes', 'parameters', 'SQL'):
                self.assertNotIn(secret, shown['message'])
            self.assertIn('req-1', shown['message'])

    def test_database_error_is_hidden(self):
        # Its text quotes the statement and every parameter.
        self.assertIn('hunter2', str(database_error()))
        self.assert_hidden(database_error(), 'database_error')

    def test_wrapped_database_error_is_hidden(self):
        self.assert_hidden(db_exc.DBError(database_error()),
                           'database_error')

    def test_unexpected_error_is_hidden(self):
        self.assert_hidden(KeyError('ipmi_password=hunter2'), 'step_failed')

    def test_timeout_without_code(self):
        self.assert_hidden(TimeoutError('hunter2'), 'timeout')

    def test_project_error_is_shown_masked(self):
        error = driver_base.DriverError(
            'BMC http://admin:hunter2@10.0.0.1 refused: password=hunter2')
        shown = failures.describe(failure_of(error), 'req-1')
        self.assertEqual('driver_error', shown['code'])
        self.assertIn('BMC http://admin:******@10.0.0.1 refused',
                      shown['message'])
        self.assertNotIn('hunter2', shown['message'])

    def test_project_error_quoting_sql_is_cut(self):
        error = common.OperationError('Could not save: %s' % database_error())
        shown = failures.describe(error)
        self.assertEqual('step_failed', shown['code'])
        self.assertTrue(shown['message'].startswith('Could not save'))
        self.assertNotIn('UPDATE', shown['message'])
        self.assertNotIn('hunter2', shown['message'])

    def test_loaded_failure_keeps_its_code(self):
        # Read back from persistence: no exception object, only names.
        loaded = tf_failure.Failure.from_dict(failure_of(
            driver_base.BMCTimeout('slow')).to_dict())
        self.assertIsNone(loaded.exception)
        self.assertEqual({'code': 'bmc_timeout', 'message': 'slow'},
                         failures.describe(loaded))
        loaded = tf_failure.Failure.from_dict(
            failure_of(database_error()).to_dict())
        self.assertEqual('database_error', failures.describe(loaded)['code'])

    def test_log_detail_has_everything_and_the_request(self):
        logger = self.useFixture(fixtures.FakeLogger(
            level='DEBUG', format=None))
        failures.log_detail(failure_of(database_error()), 't-1', 'step-1',
                            'req-1')
        self.assertIn('req-1', logger.output)
        self.assertIn(SQL, logger.output)
        self.assertIn('database_error', logger.output)

    def test_log_detail_skips_shown_errors(self):
        logger = self.useFixture(fixtures.FakeLogger(
            level='DEBUG', format=None))
        failures.log_detail(driver_base.DriverError('x'), 't-1', 's',
                            'req-1')
        self.assertEqual('', logger.output)
