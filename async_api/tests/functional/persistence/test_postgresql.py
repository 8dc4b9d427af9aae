"""The persistence backend on the run's PostgreSQL server."""

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import servers
from async_api.tests.unit.persistence import mixins


class PostgreSQLMixin:

    def make_database(self):
        url = servers.require(self, servers.POSTGRESQL)
        return self.useFixture(
            db_fixtures.PostgreSQLDatabase(url, migrate=False))


class TestConformance(PostgreSQLMixin, mixins.ConformanceTests,
                      base.TestCase):
    pass


class TestSemantics(PostgreSQLMixin, mixins.SemanticsTests, base.TestCase):
    pass


class TestFlows(PostgreSQLMixin, mixins.FlowTests, base.TestCase):
    pass


class TestSchema(PostgreSQLMixin, mixins.SchemaTests, base.TestCase):
    pass
