"""Databases of the first migration history, upgraded by today's code.

Shared by the SQLite (unit) and PostgreSQL/MySQL (functional) runs: a test
class mixes :class:`LegacyUpgradeTests` into a test case and provides
``make_url()``, the URL of an empty scratch database.
"""

import datetime
import os

from alembic import autogenerate
from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from oslo_serialization import jsonutils
import sqlalchemy as sa

from async_api.baremetal.db import migration as baremetal_migration
from async_api.baremetal.db import models as baremetal_models
from async_api.db import engine as db_engine
from async_api.db import legacy
from async_api.db import migration
from async_api.db import models
from async_api.tests import migrations_sync

#: The frozen scripts of the first history (test data).
SCRIPT_LOCATION = os.path.join(os.path.dirname(__file__),
                               'legacy_migrations')

NOW = datetime.datetime(2026, 11, 30, 12, 0, 0)
TASK = '11111111-1111-1111-1111-111111111111'
NODE = '22222222-2222-2222-2222-222222222222'
BOOK = '33333333-3333-3333-3333-333333333333'
FLOW = '44444444-4444-4444-4444-444444444444'

#: One row or two per table of the first history's head; ids start high so
#: that a sequence left behind would show.
ROWS = {
    'nodes': [dict(id=7, uuid=NODE, name='n1', project_id='p',
                   driver='fake', driver_info={'ipmi_address': '10.0.0.1'},
                   extra={}, power_state='power on',
                   provision_state='available', sync_state='in_sync',
                   created_at=NOW)],
    'conductors': [dict(id=3, hostname='c1', created_at=NOW,
                        heartbeat_at=NOW)],
    'tasks': [dict(id=41, uuid=TASK, operation='node.power',
                   resource_type='node', resource_uuid=NODE,
                   state='running', progress=50, step='power-on',
                   params={'target': 'on'}, request_id='req-1',
                   project_id='p', cancel_requested=False, attempt=1,
                   job_uuid=TASK, claim_epoch=2, posted_at=NOW,
                   created_at=NOW, started_at=NOW)],
    'task_events': [dict(id=5, task_uuid=TASK, event='accepted',
                         state='pending', time=NOW, details={'a': 1}),
                    dict(id=6, task_uuid=TASK, event='power-on',
                         state='running', time=NOW, host='c1')],
    'resource_lanes': [dict(resource_uuid=NODE, accepted=9,
                            updated_at=NOW)],
    'task_lanes': [dict(id=12, task_id=41, resource_uuid=NODE)],
    'idempotency_keys': [dict(id=2, project_id='p', key='k1',
                              fingerprint='f' * 64, state='completed',
                              owner='o', locked_at=NOW,
                              reserved_uuid=TASK, status=202,
                              location='/v1/tasks/' + TASK,
                              body={'uuid': TASK}, created_at=NOW,
                              expires_at=NOW)],
    'jobboard_jobs': [dict(id=30, board='/async_api', uuid=TASK,
                           name='node.power', priority=2, status='posted',
                           details='{}', book_uuid=BOOK, book_name='b',
                           owner='c1', epoch=4,
                           claim_expires_at=1790000000.25,
                           created_at=NOW)],
    'jobboard_entities': [dict(id=8, board='/async_api', kind='conductor',
                               name='c1', details='{}', created_at=NOW)],
    'flow_logbooks': [dict(uuid=BOOK, name='b', meta='{}',
                           created_at=NOW)],
    'flow_details': [dict(uuid=FLOW, parent_uuid=BOOK, name='power',
                          state='RUNNING', meta='{}', created_at=NOW)],
    'flow_atom_details': [dict(uuid=TASK, parent_uuid=FLOW, name='step',
                               atom_type='TASK_DETAIL', version='1.0',
                               state='SUCCESS', intention='EXECUTE',
                               results='{"ok": true}', created_at=NOW)],
}

#: Where each table's rows are to be found after the upgrade.
NEW_NAMES = dict(legacy.TABLES, nodes='nodes', conductors='conductors')


def build_legacy_database(engine, revision=legacy.HEAD):
    """Run the first history's scripts, as a database of the field has."""
    config = alembic_config.Config()
    config.set_main_option('script_location', SCRIPT_LOCATION)
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        alembic_command.upgrade(config, revision)


def _table(connection, name):
    return sa.Table(name, sa.MetaData(), autoload_with=connection)


def fill(engine):
    """Insert :data:`ROWS`, as the service would have written them."""
    with engine.begin() as connection:
        for name, rows in ROWS.items():
            table = _table(connection, name)
            for row in rows:
                connection.execute(table.insert().values(
                    {key: _json_text(table.c[key], value)
                     for key, value in row.items()}))
            if connection.dialect.name == 'postgresql' and 'id' in table.c:
                # As if the service had numbered the rows itself.
                connection.execute(sa.text(
                    "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                    'max(id)) FROM %s' % name), {'table': name})


def _json_text(column, value):
    # MariaDB's JSON columns reflect as text.
    if isinstance(value, dict) and not isinstance(column.type, sa.JSON):
        return jsonutils.dumps(value)
    return value


def postgresql_leftovers(engine):
    """Relations of the schema still named after a first-history table."""
    with engine.connect() as connection:
        names = connection.execute(sa.text(
            'SELECT relname FROM pg_class JOIN pg_namespace ON '
            'pg_namespace.oid = relnamespace '
            'WHERE nspname = current_schema()')).scalars().all()
        names += connection.execute(sa.text(
            'SELECT conname FROM pg_constraint JOIN pg_namespace ON '
            'pg_namespace.oid = connamespace '
            'WHERE nspname = current_schema()')).scalars().all()
    return sorted({name for name in names for old, _new in legacy.TABLES
                   if name == old or name.startswith(old + '_')
                   or name.startswith('uniq_%s0' % old)})


def read(engine, names):
    """Every row of the tables ``names``, as dicts, in key order."""
    found = {}
    with engine.connect() as connection:
        for old, new in names.items():
            table = _table(connection, new)
            query = sa.select(table).order_by(*table.primary_key.columns)
            found[old] = [dict(row._mapping)
                          for row in connection.execute(query)]
    return found


def schema_diff(engine):
    """alembic's diff between the database and both schemas' models."""
    migrations_sync.ModelsMigrationsSync().get_metadata()
    with engine.connect() as connection:
        context = alembic_migration.MigrationContext.configure(
            connection, opts={
                'compare_type': True,
                'include_object': lambda o, name, type_, r, c: not (
                    type_ == 'table'
                    and name in migrations_sync.VERSION_TABLES)})
        return autogenerate.compare_metadata(
            context, [models.Base.metadata, baremetal_models.Base.metadata])


def upgrade(engine):
    migration.upgrade(engine)
    baremetal_migration.upgrade(engine)


class LegacyUpgradeTests:

    def make_url(self):
        raise NotImplementedError()

    def setUp(self):
        super().setUp()
        # The service's own engine: on SQLite, foreign keys are enforced.
        database = db_engine.Database(self.make_url())
        self.addCleanup(database.dispose)
        self.engine = database.engine

    def table_names(self):
        return set(sa.inspect(self.engine).get_table_names())

    def test_upgrade_keeps_every_row(self):
        build_legacy_database(self.engine)
        fill(self.engine)
        before = read(self.engine, {name: name for name in ROWS})
        upgrade(self.engine)
        after = read(self.engine, NEW_NAMES)
        for node in after['nodes']:
            # Added by the bare-metal migration 0002: where names are
            # unique.
            self.assertEqual(node['project_id'] or '', node.pop('name_scope'))
        self.assertEqual(before, after)
        names = self.table_names()
        self.assertNotIn(legacy.VERSION_TABLE, names)
        self.assertFalse({old for old, _new in legacy.TABLES} & names)
        self.assertEqual('0001', migration.version(self.engine))
        self.assertEqual('0002', baremetal_migration.version(self.engine))
        # Renamed indexes, constraints and sequences: the adopted schema is
        # the one the migrations build from scratch.
        self.assertEqual([], schema_diff(self.engine))
        if self.engine.dialect.name == 'postgresql':
            self.assertEqual([], postgresql_leftovers(self.engine))
        # Ids go on after the copied or renamed rows, and foreign keys
        # point at the new tables.
        with self.engine.begin() as connection:
            new = dict(ROWS['tasks'][0], uuid='new', job_uuid=None)
            del new['id']
            task_id = connection.execute(models.Task.__table__.insert().values(
                new)).inserted_primary_key[0]
            connection.execute(models.TaskEvent.__table__.insert().values(
                task_uuid='new', event='accepted', state='pending',
                time=NOW))
        self.assertGreater(task_id, ROWS['tasks'][0]['id'])
        # Upgrading again changes nothing.
        upgrade(self.engine)
        self.assertEqual('0001', migration.version(self.engine))

    def test_host_alembic_version_left_alone(self):
        # A host service's own history and a table of its own that happens
        # to be called like one of the first history's.
        with self.engine.begin() as connection:
            connection.execute(sa.text(
                'CREATE TABLE alembic_version '
                '(version_num VARCHAR(32) NOT NULL PRIMARY KEY)'))
            connection.execute(sa.text(
                "INSERT INTO alembic_version VALUES ('0003')"))
            connection.execute(sa.text(
                'CREATE TABLE tasks (id INTEGER PRIMARY KEY)'))
        upgrade(self.engine)
        with self.engine.connect() as connection:
            self.assertEqual(['0003'], connection.execute(sa.text(
                'SELECT version_num FROM alembic_version')).scalars().all())
        self.assertIn('tasks', self.table_names())
        self.assertIn('async_api_tasks', self.table_names())
        self.assertEqual('0001', migration.version(self.engine))

    def test_older_revision_is_refused(self):
        build_legacy_database(self.engine, '0005')
        self.assertRaisesRegex(legacy.LegacySchemaError,
                               'revision 0005 .* previous release',
                               migration.upgrade, self.engine)
        self.assertIn('tasks', self.table_names())
        self.assertNotIn('async_api_tasks', self.table_names())

    def test_baremetal_waits_for_the_library(self):
        build_legacy_database(self.engine)
        fill(self.engine)
        self.assertRaises(legacy.LegacySchemaError,
                          baremetal_migration.upgrade, self.engine)
        self.assertIn(legacy.VERSION_TABLE, self.table_names())
        upgrade(self.engine)
        self.assertEqual(ROWS['nodes'][0]['uuid'],
                         read(self.engine, {'n': 'nodes'})['n'][0]['uuid'])
        self.assertNotIn(legacy.VERSION_TABLE, self.table_names())

    def test_library_alone_keeps_the_mark_for_baremetal(self):
        build_legacy_database(self.engine)
        migration.upgrade(self.engine)
        self.assertIn(legacy.VERSION_TABLE, self.table_names())
        # A second library upgrade does not take the row for a new one.
        migration.upgrade(self.engine)
        baremetal_migration.upgrade(self.engine)
        self.assertNotIn(legacy.VERSION_TABLE, self.table_names())
        self.assertEqual('0002', baremetal_migration.version(self.engine))
