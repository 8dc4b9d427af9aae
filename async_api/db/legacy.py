"""Adopt a database built by async_api's first migration history.

Until the library's tables took the ``async_api_`` prefix, one alembic
history (revisions ``0001`` .. ``0006``, recorded in alembic's default
``alembic_version`` table) created them under plain names (``tasks``,
``jobboard_jobs``, ``flow_logbooks``...) together with the bare-metal
service's ``nodes`` and ``conductors``. Plain names would clash with a host
service's tables, and ``alembic_version`` with the host's own history, so
that history was replaced by two: the library's
(:mod:`async_api.db.migration`) and the bare-metal service's
(:mod:`async_api.baremetal.db.migration`).

A database of the first history is adopted once, data kept: the library
renames its tables and stamps its own version table, then the bare-metal
service stamps its own, and only then is our row of ``alembic_version``
deleted (and the table dropped if nothing else is left in it). A row that
is not one of our old revisions belongs to the host and is never touched.
"""

from alembic import command as alembic_command
import sqlalchemy as sa

#: alembic's default version table, used by the first history.
VERSION_TABLE = 'alembic_version'
#: The revisions of the first history, and its last one.
REVISIONS = ('0001', '0002', '0003', '0004', '0005', '0006')
HEAD = '0006'
#: The library's revision whose schema is that of ``HEAD``, prefixed.
LIBRARY_REVISION = '0001'

#: The library's tables of ``HEAD``: (plain name, new name), every parent
#: before its children.
TABLES = (
    ('tasks', 'async_api_tasks'),
    ('task_events', 'async_api_task_events'),
    ('resource_lanes', 'async_api_resource_lanes'),
    ('task_lanes', 'async_api_task_lanes'),
    ('idempotency_keys', 'async_api_idempotency_keys'),
    ('jobboard_jobs', 'async_api_jobboard_jobs'),
    ('jobboard_entities', 'async_api_jobboard_entities'),
    ('flow_logbooks', 'async_api_flow_logbooks'),
    ('flow_details', 'async_api_flow_details'),
    ('flow_atom_details', 'async_api_flow_atom_details'),
)

#: Tables that only the first history creates together: with one of our
#: revision ids, they tell our ``alembic_version`` row from a host's.
LIBRARY_MARKERS = ('tasks', 'task_events', 'nodes')


class LegacySchemaError(Exception):
    """The database cannot be adopted as it is."""


def legacy_revision(connection, markers):
    """Our revision in ``alembic_version``, or None if it is not ours.

    The row counts as ours only if every table of ``markers`` is there
    too: a host whose own history happens to use a revision id like
    ``0003`` keeps its table and its row.
    """
    inspector = sa.inspect(connection)
    if not inspector.has_table(VERSION_TABLE):
        return None
    if not all(inspector.has_table(name) for name in markers):
        return None
    rows = connection.execute(
        sa.text('SELECT version_num FROM %s' % VERSION_TABLE)).scalars()
    return next((row for row in rows if row in REVISIONS), None)


def forget_legacy_revision(connection):
    """Delete our row of ``alembic_version``; drop the table if now empty.

    Called once both the library and the bare-metal service have version
    tables of their own; a host's rows in the table stay where they are.
    """
    table = sa.table(VERSION_TABLE, sa.column('version_num'))
    connection.execute(table.delete().where(
        table.c.version_num.in_(REVISIONS)))
    left = connection.execute(
        sa.select(sa.func.count()).select_from(table)).scalar()
    if not left:
        connection.execute(sa.text('DROP TABLE %s' % VERSION_TABLE))


def adopt_unprefixed_tables(connection, config):
    """Give the first history's library tables their ``async_api_`` names.

    Does nothing unless ``alembic_version`` holds one of our old revisions,
    the plain-named tables are there and the prefixed ones are not. Then
    the tables are renamed with their rows, indexes, constraints and
    sequences (copied, on SQLite), and ``async_api_alembic_version`` is
    stamped at :data:`LIBRARY_REVISION`; the upgrade goes on from there.
    ``alembic_version`` is left for the bare-metal service, whose adoption
    of ``nodes`` and ``conductors`` it marks.

    :param connection: a connection in the upgrade's transaction.
    :param config: the library's alembic config, on that connection.
    :raises LegacySchemaError: the database is at an older revision of the
        first history, which this release cannot bring forward.
    """
    revision = legacy_revision(connection, LIBRARY_MARKERS)
    if revision is None:
        return False
    if sa.inspect(connection).has_table(TABLES[0][1]):
        # Adopted already (``alembic_version`` waits for the bare-metal
        # service), or both schemas side by side: leave them be.
        return False
    if revision != HEAD:
        raise LegacySchemaError(
            'The database is at revision %s of the previous async_api '
            'schema; upgrade it to %s with the previous release '
            '(async-api-dbsync upgrade) before upgrading with this one.'
            % (revision, HEAD))
    if connection.dialect.name == 'sqlite':
        _copy_tables(connection, config)
    else:
        _rename_tables(connection)
        alembic_command.stamp(config, LIBRARY_REVISION)
    return True


def _new_name(name, old, new):
    """``name`` of an index, constraint or sequence of table ``old``, for
    table ``new``; None for a name that does not derive from the table's.

    Both our explicit names (``tasks_state_idx``, ``uniq_tasks0uuid``) and
    PostgreSQL's generated ones (``tasks_pkey``, ``tasks_id_seq``,
    ``task_events_task_uuid_fkey``) embed the table name.
    """
    if name.startswith(old + '_'):
        return new + name[len(old):]
    if name.startswith('uniq_%s0' % old):
        return 'uniq_' + new + name[len('uniq_' + old):]
    return None


def _rename_tables(connection):
    """PostgreSQL and MySQL: rename each table, then what is named after it.

    Index and sequence names share a namespace with tables in PostgreSQL:
    leaving ``tasks_pkey`` behind would stop a host from creating its own
    ``tasks`` table. Foreign keys follow a renamed table by themselves.
    """
    quote = connection.dialect.identifier_preparer.quote
    for old, new in TABLES:
        connection.execute(sa.text('ALTER TABLE %s RENAME TO %s'
                                   % (quote(old), quote(new))))
    for old, new in TABLES:
        if connection.dialect.name == 'postgresql':
            _rename_postgresql_objects(connection, old, new)
        else:
            _rename_mysql_indexes(connection, old, new)


def _rename_mysql_indexes(connection, old, new):
    # Unique constraints are indexes too. Generated foreign key names keep
    # their old table's name on MariaDB: nothing compares them, and a host
    # would need a table of that very name to collide.
    quote = connection.dialect.identifier_preparer.quote
    inspector = sa.inspect(connection)
    names = [i['name'] for i in inspector.get_indexes(new)]
    names += [c['name'] for c in inspector.get_unique_constraints(new)]
    for name in sorted(set(names)):
        renamed = _new_name(name, old, new)
        if renamed:
            connection.execute(sa.text(
                'ALTER TABLE %s RENAME INDEX %s TO %s'
                % (quote(new), quote(name), quote(renamed))))


def _rename_postgresql_objects(connection, old, new):
    quote = connection.dialect.identifier_preparer.quote
    # Indexes, among them those of primary keys and unique constraints:
    # renaming the index renames its constraint.
    indexes = connection.execute(sa.text(
        'SELECT indexname FROM pg_indexes '
        'WHERE schemaname = current_schema() AND tablename = :table'),
        {'table': new}).scalars().all()
    for name in indexes:
        renamed = _new_name(name, old, new)
        if renamed:
            connection.execute(sa.text('ALTER INDEX %s RENAME TO %s'
                                       % (quote(name), quote(renamed))))
    # Foreign keys (and any check constraint): not in the schema's
    # namespace, but renamed so an adopted schema reads like a new one.
    constraints = connection.execute(sa.text(
        "SELECT conname FROM pg_constraint WHERE contype IN ('f', 'c') "
        'AND conrelid = CAST(:table AS regclass)'),
        {'table': new}).scalars().all()
    for name in constraints:
        renamed = _new_name(name, old, new)
        if renamed:
            connection.execute(sa.text(
                'ALTER TABLE %s RENAME CONSTRAINT %s TO %s'
                % (quote(new), quote(name), quote(renamed))))
    # The sequences of serial columns; column defaults follow them.
    for column in sa.inspect(connection).get_columns(new):
        sequence = connection.execute(
            sa.text('SELECT pg_get_serial_sequence(:table, :column)'),
            {'table': new, 'column': column['name']}).scalar()
        if sequence is None:
            continue
        name = sequence.rsplit('.', 1)[-1].strip('"')
        renamed = _new_name(name, old, new)
        if renamed:
            connection.execute(sa.text('ALTER SEQUENCE %s RENAME TO %s'
                                       % (sequence, quote(renamed))))


def _copy_tables(connection, config):
    """SQLite: build the new tables, copy every row, drop the old tables.

    SQLite cannot rename a constraint, and our unique constraints are named
    after their tables. Rows are copied parents first and the old tables
    dropped children first, so that no foreign key (SQLite enforces them
    here) ever cascades a delete. Ids are copied as they are, and SQLite
    numbers new rows after the largest.
    """
    alembic_command.upgrade(config, LIBRARY_REVISION)
    inspector = sa.inspect(connection)
    for old, new in TABLES:
        columns = ', '.join('"%s"' % c['name']
                            for c in inspector.get_columns(old))
        connection.execute(sa.text('INSERT INTO %s (%s) SELECT %s FROM %s'
                                   % (new, columns, columns, old)))
    for old, _new in reversed(TABLES):
        connection.execute(sa.text('DROP TABLE %s' % old))
