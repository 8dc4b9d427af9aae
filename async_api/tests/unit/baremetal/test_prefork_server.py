"""async-api-api's workers bound their writes on SQLite only."""

from unittest import mock

import fixtures

from async_api.baremetal import prefork_server
from async_api.tests import base
from async_api.tests import db_fixtures


class TestWritesAtOnce(base.TestCase):

    def test_one_at_a_time_on_sqlite(self):
        self.useFixture(db_fixtures.SQLiteDatabase())
        self.assertEqual(1, prefork_server._writes_at_once())

    def test_unbounded_on_a_server_database(self):
        database = mock.Mock()
        database.engine.dialect.name = 'postgresql'
        self.useFixture(fixtures.MockPatch('async_api.database',
                                           return_value=database))
        self.assertIsNone(prefork_server._writes_at_once())

    def test_the_worker_serves_with_the_bound(self):
        self.useFixture(db_fixtures.SQLiteDatabase())
        server = self.useFixture(fixtures.MockPatch(
            'async_api.baremetal.wsgi_server.WSGIServer')).mock
        worker = prefork_server.WaitressWorker.__new__(
            prefork_server.WaitressWorker)
        worker.wsgi, worker.sockets, worker.alive = object(), [], False
        worker.run()
        self.assertEqual(1, server.call_args.kwargs['max_concurrent_writes'])
