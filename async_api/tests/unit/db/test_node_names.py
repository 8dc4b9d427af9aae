"""Node names are unique per project, on SQLite."""

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import node_names


class TestNodeNamesSQLite(node_names.NodeNamesMixin, base.TestCase):

    def make_database(self, migrate):
        return self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=migrate)).database
