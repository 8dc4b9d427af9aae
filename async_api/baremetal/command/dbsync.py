"""``async-api-dbsync``: apply the database migrations.

    async-api-dbsync [--config-file FILE] upgrade [--revision REV]
    async-api-dbsync [--config-file FILE] version
    async-api-dbsync [--config-file FILE] purge-idempotency-keys
    async-api-dbsync [--config-file FILE] purge-tasks --older-than DAYS

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


def _purge_tasks():
    async_api.setup_database(CONF)
    days = CONF.command.older_than
    if days is None:
        days = CONF.async_api_retention.task_ttl_days
    batch_size = (CONF.command.batch_size
                  or CONF.async_api_retention.purge_batch_size)
    print('Purged %d finished tasks older than %s days'
          % (async_api.purge_tasks(days, batch_size=batch_size), days))


def _non_negative(value):
    days = float(value)
    if days < 0:
        raise ValueError('must not be negative')
    return days


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
    parser = subparsers.add_parser(
        'purge-tasks',
        help='Delete finished tasks (with their step events and flow '
             'logbooks) that finished more than --older-than days ago, in '
             'batches. Unfinished tasks are never deleted.')
    parser.add_argument('--older-than', type=_non_negative, default=None,
                        metavar='DAYS',
                        help='Age in days (default: '
                             '[async_api_retention]task_ttl_days).')
    parser.add_argument('--batch-size', type=int, default=None,
                        help='Tasks per transaction (default: '
                             '[async_api_retention]purge_batch_size).')
    parser.set_defaults(func=_purge_tasks)


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
