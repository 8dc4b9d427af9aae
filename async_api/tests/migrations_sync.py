"""Shared checks that the models and the alembic migrations agree.

The library and the bare-metal service each have their own metadata and
their own history: each is checked alone, on a database that holds only
what its own migrations build.
"""

import importlib

from oslo_db.sqlalchemy import test_migrations

from async_api.baremetal.db import migration as baremetal_migration
from async_api.baremetal.db import models as baremetal_models
from async_api.db import migration
from async_api.db import models

# Modules that add their tables to the library's models.Base.metadata.
MODEL_MODULES = ('async_api.db.models', 'async_api.jobboard.models',
                 'async_api.persistence.models')

#: alembic's bookkeeping tables: not models.
VERSION_TABLES = (migration.VERSION_TABLE, baremetal_migration.VERSION_TABLE)


class _ModelsMigrationsSync(test_migrations.ModelsMigrationsSync):
    """Mix into a test case that sets ``self.database`` in setUp."""

    def get_engine(self):
        return self.database.engine

    def include_object(self, object_, name, type_, reflected, compare_to):
        return not (type_ == 'table' and name in VERSION_TABLES)


class ModelsMigrationsSync(_ModelsMigrationsSync):
    """The library's models against the library's migrations."""

    def get_metadata(self):
        for name in MODEL_MODULES:
            importlib.import_module(name)
        return models.Base.metadata

    def db_sync(self, engine):
        migration.upgrade(engine)


class BaremetalModelsMigrationsSync(_ModelsMigrationsSync):
    """The bare-metal service's models against its own migrations."""

    def get_metadata(self):
        return baremetal_models.Base.metadata

    def db_sync(self, engine):
        baremetal_migration.upgrade(engine)
