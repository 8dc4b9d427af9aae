"""The SQL jobboard's unit suites, run again on a real PostgreSQL."""

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import servers
from async_api.tests.unit.jobboard import test_conformance
from async_api.tests.unit.jobboard import test_fencing
from async_api.tests.unit.jobboard import test_leases
from async_api.tests.unit.jobboard import test_migration
from async_api.tests.unit.jobboard import test_ordering


class PostgreSQLTestCase(base.TestCase):
    """A scratch PostgreSQL database per test, no migrations applied."""

    def setUp(self):
        super().setUp()
        server = servers.require(self, servers.POSTGRESQL)
        self.url = self.useFixture(db_fixtures.PostgreSQLDatabase(
            server, migrate=False)).url


class PostgreSQLConformanceTest(test_conformance.ConformanceMixin,
                                PostgreSQLTestCase):

    def setUp(self):
        super().setUp()
        self.client, self.board = self.create_board()


class PostgreSQLLeaseTest(test_leases.LeaseTestsMixin, PostgreSQLTestCase):
    pass


class PostgreSQLFencingTest(test_fencing.FencingTestsMixin,
                            PostgreSQLTestCase):
    pass


class PostgreSQLOrderingTest(test_ordering.OrderingTestsMixin,
                             PostgreSQLTestCase):
    pass


class PostgreSQLMigrationTest(test_migration.MigrationTestsMixin,
                              PostgreSQLTestCase):
    pass
