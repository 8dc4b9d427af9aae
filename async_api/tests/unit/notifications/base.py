"""A migrated SQLite database with notifications recorded."""

from async_api import conf as async_conf
from async_api import notifications
from async_api.db import lanes as db_lanes
from async_api.db import outbox
from async_api.tests import base
from async_api.tests import db_fixtures


class NotificationTestCase(base.TestCase):
    """Notifications on (``log`` driver), recorded, not sent."""

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(db_fixtures.SQLiteDatabase())
        self.addCleanup(notifications.shutdown)
        notifications.service.register_opts(async_conf.CONF)
        self.config(driver=['log'], group='oslo_messaging_notifications')
        self.assertTrue(notifications.setup(async_conf.CONF, host='h1',
                                            service='test'))

    def accept(self, params=None, uuid=None):
        values = {'operation': 'node.set_power_state',
                  'resource_type': 'node', 'params': params or {},
                  'request_id': 'req-1', 'project_id': 'p1',
                  'user_id': 'u1'}
        if uuid:
            values['uuid'] = uuid
        resource = '0b4c6d3e-8f0a-4b53-9c62-6a8c4f6c1d11'
        return db_lanes.accept(dict(values, resource_uuid=resource),
                               [resource])

    def rows(self):
        return outbox.pending(self.db.database.engine, 1000)

    def types(self):
        return [row['event_type'] for row in self.rows()]
