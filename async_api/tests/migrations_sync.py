"""Shared check that the models and the alembic migrations agree."""

import importlib

from oslo_db.sqlalchemy import test_migrations

from async_api.db import migration
from async_api.db import models

# Modules that add their tables to models.Base.metadata.
MODEL_MODULES = ('async_api.db.models', 'async_api.jobboard.models',
                 'async_api.persistence.models')


class ModelsMigrationsSync(test_migrations.ModelsMigrationsSync):
    """Mix into a test case that sets ``self.database`` in setUp."""

    def get_engine(self):
        return self.database.engine

    def get_metadata(self):
        for name in MODEL_MODULES:
            importlib.import_module(name)
        return models.Base.metadata

    def db_sync(self, engine):
        migration.upgrade(engine)

    def include_object(self, object_, name, type_, reflected, compare_to):
        # alembic's own bookkeeping table is not a model.
        return not (type_ == 'table' and name == 'alembic_version')
