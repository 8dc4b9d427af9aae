"""``async-api-dbsync``: apply the database migrations.

    async-api-dbsync [--config-file FILE] upgrade [--revision REV]
    async-api-dbsync [--config-file FILE] version
    async-api-dbsync [--config-file FILE] purge-idempotency-keys
"""

import sys

from oslo_config import cfg

from async_api.baremetal.command import errors
from async_api.baremetal import conf as async_conf
from async_api.db import engine as db_engine
from async_api.db import migration
from async_api.idempotency import store as idempotency_store

CONF = async_conf.CONF


def _upgrade():
    database = db_engine.from_conf(CONF)
    migration.upgrade(database.engine, CONF.command.revision)
    print('Database at revision %s' % migration.version(database.engine))


def _version():
    database = db_engine.from_conf(CONF)
    print(migration.version(database.engine) or 'None')


def _purge_idempotency_keys():
    db_engine.from_conf(CONF)
    print('Purged %d expired idempotency keys'
          % idempotency_store.purge_expired())


def _add_commands(subparsers):
    parser = subparsers.add_parser('upgrade',
                                   help='Upgrade the schema to a revision.')
    parser.add_argument('--revision', default='head',
                        help='Target revision (default: head).')
    parser.set_defaults(func=_upgrade)
    parser = subparsers.add_parser('version',
                                   help='Print the current schema revision.')
    parser.set_defaults(func=_version)
    parser = subparsers.add_parser(
        'purge-idempotency-keys',
        help='Delete idempotency keys older than [idempotency]key_ttl now, '
             'instead of waiting for the conductors\' periodic purge.')
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
