"""A SQLite database of the first migration history upgrades, data kept."""

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import legacy_upgrade


class TestLegacyUpgradeSQLite(legacy_upgrade.LegacyUpgradeTests,
                              base.TestCase):

    def make_url(self):
        return self.useFixture(db_fixtures.SQLiteDatabase(migrate=False)).url
