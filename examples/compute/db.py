"""The ``servers`` table: the compute service's own data.

It lives in the same database as the library's tables, with its own
declarative base and its own migrations (``migrations/``), whose version
table is its own too. Sessions come from the library's database
(:func:`async_api.database`): one engine and one pool per process.
"""

import os

from alembic import command
from alembic import config
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy import orm

import async_api

# [start-model]
#: The library keeps its own version table; this one is the service's.
VERSION_TABLE = 'compute_alembic_version'
MIGRATIONS = os.path.join(os.path.dirname(__file__), 'migrations')


class Base(orm.DeclarativeBase):
    """The service's tables (never the library's models)."""


class Server(Base):
    __tablename__ = 'servers'

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    name = sa.Column(sa.String(255), nullable=False)
    project_id = sa.Column(sa.String(255), nullable=True)
    # ACTIVE, MIGRATING, REBOOT or ERROR.
    status = sa.Column(sa.String(16), nullable=False, default='ACTIVE')
    host = sa.Column(sa.String(255), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False,
                           default=timeutils.utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=True,
                           onupdate=timeutils.utcnow)


def upgrade(engine):
    """Bring the service's own tables up to date (after the library's)."""
    alembic_config = config.Config()
    alembic_config.set_main_option('script_location', MIGRATIONS)
    with engine.begin() as connection:
        alembic_config.attributes['connection'] = connection
        command.upgrade(alembic_config, 'head')
# [end-model]


class ServerNotFound(async_api.exception.NotFound):
    """404 with a code of the service's own."""

    code = 'server_not_found'
    title = 'Server not found'


# [start-access]
def create_server(values):
    values = dict(values)
    values.setdefault('uuid', uuidutils.generate_uuid())
    server = Server(**values)
    with async_api.database().writer.using() as session:
        session.add(server)
        session.flush()
        session.expunge(server)
    return server


def get_server(uuid, project_id=None):
    """The server; 404 if it is not there or not the project's."""
    with async_api.database().reader.using() as session:
        query = session.query(Server).filter_by(uuid=uuid)
        if project_id is not None:
            query = query.filter_by(project_id=project_id)
        server = query.one_or_none()
        if server is None:
            raise ServerNotFound('Server %s could not be found' % uuid)
        session.expunge(server)
        return server


def update_server(uuid, values):
    with async_api.database().writer.using() as session:
        session.query(Server).filter_by(uuid=uuid).update(
            dict(values, updated_at=timeutils.utcnow()))
    return get_server(uuid)
# [end-access]


def list_servers(project_id=None):
    """Every server (of the project), oldest first."""
    with async_api.database().reader.using() as session:
        query = session.query(Server).order_by(Server.id)
        if project_id is not None:
            query = query.filter_by(project_id=project_id)
        servers = query.all()
        session.expunge_all()
        return servers


def count_on_host(host):
    """Servers placed on ``host`` (in ERROR or not: they hold room)."""
    with async_api.database().reader.using() as session:
        return session.query(Server).filter_by(host=host).count()
