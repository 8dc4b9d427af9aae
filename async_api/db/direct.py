"""Hot statements compiled once per database dialect, then run as SQL text.

Running a Core statement costs SQLAlchemy far more than the database:
on SQLite, an ``UPDATE`` by primary key takes a few microseconds in
SQLite and ten times that in SQLAlchemy's per-execution work (cache key,
compiled-cache lookup, a parameter processing pass over every bind,
result set-up). A conductor runs some forty statements per task, so that
work was a third of its time.

:class:`Statement` compiles a Core statement once per dialect, keeps the
SQL text, the order of its parameters and the type processors of those
that have one, and runs it on a cursor of the SQLAlchemy connection,
through the connection's own cursor-execution step, the one SQLAlchemy
uses for its own side statements (sequences, defaults): the transaction,
cursor events, echo, oslo.db's error translation and disconnect handling
are kept, while the per-call work of a full execution (an execution
context and a result object for every statement, half the cost that
remained after compiling once) is not done. That step is private to
SQLAlchemy; the tests of this module (events, error translation, on
SQLite and PostgreSQL) fail if it changes.

Limits, checked when a statement is first compiled for a dialect:

* no expanding (``IN`` list) parameters: bind one parameter per value;
* :meth:`Statement.execute` returns rows as the driver gives them, so it
  refuses a select of columns whose type needs processing on the dialect
  (JSON, or datetimes on SQLite); :meth:`Statement.rows` processes them.
"""

import collections
import threading

from sqlalchemy import exc as sa_exc
from sqlalchemy import orm
from sqlalchemy import sql
from sqlalchemy.sql import elements


class StatementError(Exception):
    """A statement cannot be run directly on a dialect (see module doc)."""


class _Plan:
    """A statement compiled for one dialect."""

    __slots__ = ('sql', 'positional', 'parameters', 'row', 'columns',
                 'typed', 'results')

    def __init__(self, statement, dialect, column_keys):
        compiled = statement.compile(dialect=dialect,
                                     column_keys=column_keys)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise StatementError('Expanding parameters cannot be run '
                                 'directly: %s' % compiled.string)
        columns = _result_columns(statement)
        self.columns = [column.type.dialect_impl(dialect)
                        for column in columns]
        # Only a select is refused by execute(): what an insert, update
        # or delete returns is given as the driver gives it, as callers
        # of RETURNING that ask for plain columns expect.
        self.typed = (getattr(statement, 'selected_columns', None) is not None
                      and any(_processed(impl, dialect)
                              for impl in self.columns))
        # Some processors depend on the type the driver reports (numbers
        # on PostgreSQL): made on the first rows() call.
        self.results = None
        self.row = None
        if columns:
            self.row = collections.namedtuple(
                'Row', [column.key for column in columns], rename=True)
        prefetch = (getattr(compiled, 'insert_prefetch', ())
                    or getattr(compiled, 'update_prefetch', ()))
        if prefetch:
            raise StatementError(
                'Columns %s take Python defaults; give them values'
                % ', '.join(c.key for c in prefetch))
        self.sql = compiled.string
        self.positional = bool(dialect.positional)
        names = (list(compiled.positiontup or ()) if self.positional
                 else list(compiled.binds))
        escaped = dict(getattr(compiled, 'escaped_bind_names', None) or {})
        # Per parameter, in the order the driver takes them: its name,
        # the key to give it under, its default (for literals in the
        # statement) and its type's processor, if any.
        self.parameters = []
        for name in names:
            bind = compiled.binds[name]
            default = _REQUIRED if bind.required else bind.effective_value
            processor = bind.type.dialect_impl(dialect).bind_processor(
                dialect)
            self.parameters.append((name, escaped.get(name, name), default,
                                    processor))

    def arguments(self, params):
        values = []
        for name, _key, default, processor in self.parameters:
            value = params.get(name, default)
            if value is _REQUIRED:
                raise StatementError('No value for parameter %s of: %s'
                                     % (name, self.sql))
            if processor is not None:
                value = processor(value)
            values.append(value)
        if self.positional:
            return tuple(values)
        return {key: value for (_n, key, _d, _p), value in zip(
            self.parameters, values)}


_REQUIRED = object()


class Statement:
    """A Core statement run directly (see module doc).

    :param statement: an insert, update, delete or select construct whose
        values are all bind parameters (or literals).
    :param column_keys: for an insert or update built without
        ``values()``: the columns it sets (from the parameters' names).
    """

    def __init__(self, statement, column_keys=None):
        if isinstance(statement, elements.TextClause):
            raise StatementError('Text needs no compiling: use '
                                 'exec_driver_sql')
        self.statement = statement
        self._column_keys = list(column_keys) if column_keys else None
        self._plans = {}
        self._lock = threading.Lock()

    def _plan(self, dialect):
        plan = self._plans.get(dialect)
        if plan is None:
            with self._lock:
                plan = self._plans.get(dialect)
                if plan is None:
                    plan = _Plan(self.statement, dialect, self._column_keys)
                    self._plans[dialect] = plan
        return plan

    def execute(self, conn, params=None):
        """Run on ``conn``; returns the result.

        :param conn: a SQLAlchemy Connection, or a Session (its
            transaction's connection is used).
        :returns: a :class:`Result`; its rows are as the driver gives
            them.
        """
        conn = connection(conn)
        plan = self._plan(conn.dialect)
        if plan.typed:
            raise StatementError('Its columns need result processing on '
                                 '%s: use rows()' % conn.dialect.name)
        return _run(conn, plan.sql, plan.arguments(params or {}))

    def rows(self, conn, params=None):
        """Run a select (or a statement with ``RETURNING``) on ``conn``;
        its rows, typed as Core would.

        Each row is a named tuple: ``row.column`` and ``row._asdict()``.
        """
        conn = connection(conn)
        plan = self._plan(conn.dialect)
        result = _run(conn, plan.sql, plan.arguments(params or {}))
        if plan.results is None:
            plan.results = [
                (index, impl.result_processor(conn.dialect, description[1]))
                for index, (impl, description) in enumerate(
                    zip(plan.columns, result.description))]
        pairs = [(index, processor) for index, processor in plan.results
                 if processor is not None]
        found = []
        for raw in result.all():
            raw = list(raw)
            for index, processor in pairs:
                raw[index] = processor(raw[index])
            found.append(plan.row._make(raw))
        return found

    def executemany(self, conn, params):
        """Run once per dict of ``params`` (at least one), in one call.

        Through a full execution (the cursor step has no executemany),
        unless there is only one.
        """
        conn = connection(conn)
        plan = self._plan(conn.dialect)
        if len(params) == 1:
            _run(conn, plan.sql, plan.arguments(params[0]))
        else:
            conn.exec_driver_sql(plan.sql,
                                 [plan.arguments(p) for p in params])

    def __repr__(self):
        return '<Statement %s>' % self.statement


def in_(column, prefix, count):
    """``column IN (:prefix_0, ...)``: one bind parameter per value.

    An expanding parameter (a list bound to one name) cannot be run
    directly; with one parameter per value, a statement is built per
    count instead. :func:`in_params` gives the values.
    """
    return column.in_([sql.bindparam('%s_%d' % (prefix, i))
                       for i in range(count)])


def in_params(prefix, values):
    """The parameters of :func:`in_` for ``values``."""
    return {'%s_%d' % (prefix, i): value for i, value in enumerate(values)}


def with_defaults(table, values):
    """``values`` plus the Python-side default of each column it leaves out.

    What SQLAlchemy would fill in at insert time, filled in beforehand:
    a direct insert does not run them.
    """
    row = dict(values)
    for column in table.columns:
        default = column.default
        if default is None or column.key in row:
            continue
        row[column.key] = (default.arg(None) if default.is_callable
                           else default.arg)
    return row


def _result_columns(statement):
    """The columns ``statement`` returns: a select's, or what an insert,
    update or delete names in ``RETURNING`` (none without it)."""
    columns = getattr(statement, 'selected_columns', None)
    if columns is None:
        columns = getattr(statement, 'exported_columns', ())
    return list(columns)


def _processed(impl, dialect):
    """Whether a result column of type ``impl`` may need processing."""
    try:
        return impl.result_processor(dialect, None) is not None
    except Exception:
        # It needs to know the driver's type for the column first.
        return True


def connection(conn):
    """The SQLAlchemy Connection of ``conn``, a Connection or a Session."""
    if isinstance(conn, orm.Session):
        return conn.connection()
    return conn


def _run(conn, sql, arguments):
    """Execute on a cursor of ``conn``; the result, fetched at once."""
    if not conn.in_transaction():
        # What a full execution does first (autobegin): the statement
        # runs in the transaction the caller commits or rolls back.
        conn.begin()
    cursor = conn.connection.cursor()
    try:
        # Fires the cursor events, logs when echo is on, and on a driver
        # error invalidates a lost connection and raises it translated
        # (oslo.db's filters run on the engine's handle_error event).
        conn._cursor_execute(cursor, sql, arguments)
        result = Result(cursor)
    except BaseException:
        # The connection may be invalidated (closed) by now: closing the
        # cursor must not hide the error that explains it.
        try:
            cursor.close()
        except Exception:
            pass
        raise
    cursor.close()
    return result


class Result:
    """What a statement returned: counts and rows, read off its cursor.

    The subset of SQLAlchemy's result that the callers use; rows are as
    the driver gives them.
    """

    __slots__ = ('rowcount', 'lastrowid', 'description', '_rows')

    def __init__(self, cursor):
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        self.description = cursor.description
        # Only a statement that returns rows has a description.
        self._rows = cursor.fetchall() if self.description else []

    def all(self):
        return list(self._rows)

    def __iter__(self):
        return iter(self._rows)

    def first(self):
        return self._rows[0] if self._rows else None

    def scalar(self):
        return self._rows[0][0] if self._rows else None

    def scalar_one_or_none(self):
        if len(self._rows) > 1:
            raise sa_exc.MultipleResultsFound(
                'Multiple rows were found when one or none was required')
        return self.scalar()

    def scalar_one(self):
        if len(self._rows) != 1:
            raise (sa_exc.NoResultFound if not self._rows
                   else sa_exc.MultipleResultsFound)(
                'Exactly one row was required, found %d' % len(self._rows))
        return self._rows[0][0]
