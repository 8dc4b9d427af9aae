"""``async-api-dbsync``: apply the database migrations.

    async-api-dbsync [--config-file FILE] upgrade [--revision REV]
    async-api-dbsync [--config-file FILE] version
    async-api-dbsync [--config-file FILE] purge-idempotency-keys

The database holds two schemas, each with its own alembic history and
version table: the library's ``async_api_*`` tables
(:func:`async_api.upgrade_schema`, ``async_api_alembic_version``) and the
bare-metal service's ``nodes`` and ``conductors``
(:mod:`async_api.baremetal.db.migration`,
``async_api_baremetal_alembic_version``). ``upgrade`` brings the library's
schema to ``--revision`` (default: head), then the bare-metal schema to its
head; a database of the first, shared history is adopted on the way, data
kept. ``version`` prints both revisions, one per line.
"""

import sys

from oslo_config import cfg

import async_api
from async_api.baremetal.command import errors
from async_api.baremetal import conf as async_conf
from async_api.baremetal.db import migration as baremetal_migration

CONF = async_conf.CONF


def _print_versions(engine):
    print('async_api: %s' % async_api.schema_version(engine))
    print('async_api.baremetal: %s' % baremetal_migration.version(engine))


def _upgrade():
    database = async_api.setup_database(CONF)
    async_api.upgrade_schema(database.engine, CONF.command.revision)
    baremetal_migration.upgrade(database.engine)
    _print_versions(database.engine)


def _version():
    _print_versions(async_api.setup_database(CONF).engine)


def _purge_idempotency_keys():
    async_api.setup_database(CONF)
    print('Purged %d expired idempotency keys'
          % async_api.purge_idempotency_keys())


def _add_commands(subparsers):
    parser = subparsers.add_parser(
        'upgrade', help='Upgrade the library\'s schema to a revision, then '
                        'the bare-metal service\'s to its latest.')
    parser.add_argument('--revision', default='head',
                        help='Target revision of the library\'s schema '
                             '(default: head).')
    parser.set_defaults(func=_upgrade)
    parser = subparsers.add_parser(
        'version', help='Print the revisions of the library\'s and of the '
                        'bare-metal service\'s schemas.')
    parser.set_defaults(func=_version)
    parser = subparsers.add_parser(
        'purge-idempotency-keys',
        help='Delete idempotency keys older than '
             '[async_api_idempotency]key_ttl now, instead of waiting for '
             'the conductors\' periodic purge.')
    parser.set_defaults(func=_purge_idempotency_keys)


@errors.reported('async-api-dbsync')
def main(argv=None):
    async_conf.register_opts(CONF)
    CONF.register_cli_opt(cfg.SubCommandOpt(
        'command', title='Commands', handler=_add_commands))
    CONF(sys.argv[1:] if argv is None else argv, project='async_api',
         prog='async-api-dbsync')
    CONF.command.func()
    return 0


if __name__ == '__main__':
    sys.exit(main())
