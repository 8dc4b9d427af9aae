"""Node names are unique per project: checks shared by every database.

Mixed into a test case whose ``make_database(migrate)`` returns a
scratch database fixture (db_fixtures) for that test.
"""

import sqlalchemy as sa

from async_api.baremetal.db import migration as baremetal_migration
from async_api.baremetal.db import nodes as db_nodes
from async_api.baremetal import exception as bm_exception
from async_api.db import migration


class NodeNamesMixin:

    def test_same_name_in_two_projects(self):
        self.make_database(migrate=True)
        a = db_nodes.create_node({'name': 'n', 'driver': 'fake',
                                  'project_id': 'a'})
        b = db_nodes.create_node({'name': 'n', 'driver': 'fake',
                                  'project_id': 'b'})
        self.assertNotEqual(a.uuid, b.uuid)
        self.assertEqual(a.uuid, db_nodes.get_node('n', project_id='a').uuid)
        self.assertRaises(bm_exception.AmbiguousNodeName,
                          db_nodes.get_node, 'n')

    def test_same_name_twice_in_a_project(self):
        self.make_database(migrate=True)
        for project_id in ('a', None):
            db_nodes.create_node({'name': 'n', 'driver': 'fake',
                                  'project_id': project_id})
            self.assertRaises(bm_exception.DuplicateName,
                              db_nodes.create_node,
                              {'name': 'n', 'driver': 'fake',
                               'project_id': project_id})
        other = db_nodes.create_node({'name': 'm', 'driver': 'fake',
                                      'project_id': 'a'})
        self.assertRaises(bm_exception.DuplicateName, db_nodes.update_node,
                          other.uuid, {'name': 'n'})

    def test_upgrade_keeps_nodes_and_scopes_their_names(self):
        database = self.make_database(migrate=False)
        engine = database.engine
        migration.upgrade(engine)
        baremetal_migration.upgrade(engine, '0001')
        nodes = sa.table('nodes', *[sa.column(name) for name in (
            'uuid', 'name', 'project_id', 'driver', 'driver_info', 'extra',
            'provision_state', 'sync_state', 'created_at')])
        with engine.begin() as conn:
            for uuid, project_id in (('u-a', 'a'), ('u-none', None)):
                conn.execute(nodes.insert().values(
                    uuid=uuid, name='n-' + uuid, project_id=project_id,
                    driver='fake', driver_info='{}', extra='{}',
                    provision_state='available', sync_state='in_sync',
                    created_at=sa.func.now()))
        baremetal_migration.upgrade(engine)
        with engine.connect() as conn:
            scopes = dict(conn.execute(sa.text(
                'SELECT uuid, name_scope FROM nodes')).all())
        self.assertEqual({'u-a': 'a', 'u-none': ''}, scopes)
        # The old names stay unique in their projects; others may share.
        self.assertRaises(bm_exception.DuplicateName, db_nodes.create_node,
                          {'name': 'n-u-a', 'driver': 'fake',
                           'project_id': 'a'})
        db_nodes.create_node({'name': 'n-u-a', 'driver': 'fake',
                              'project_id': 'b'})
