"""Hot statements compiled once per database dialect, then run as SQL text.

Running a Core statement costs SQLAlchemy far more than the database:
on SQLite, an ``UPDATE`` by primary key takes a few microseconds in
SQLite and ten times that in SQLAlchemy's per-execution work (cache key,
compiled-cache lookup, a parameter processing pass over every bind,
result set-up). A conductor runs some forty statements per task, so that
work was a third of its time.

:class:`Statement` compiles a Core statement once per dialect, keeps the
SQL text, the order of its parameters and the type processors of those
that have one, and runs it with ``Connection.exec_driver_sql``. That is
still SQLAlchemy's connection, so transactions, events, oslo.db's error
translation and disconnect handling are unchanged; only the per-call
compilation work is gone.

Limits, checked when a statement is first compiled for a dialect:

* no expanding (``IN`` list) parameters: bind one parameter per value;
* rows come back as the driver returns them, untyped: select only columns
  whose type needs no result processing on the dialect (integers,
  strings), else use Core.
"""

import threading

from sqlalchemy import orm
from sqlalchemy.sql import elements


class StatementError(Exception):
    """A statement cannot be run directly on a dialect (see module doc)."""


class _Plan:
    """A statement compiled for one dialect."""

    __slots__ = ('sql', 'names', 'positional', 'defaults', 'processors',
                 'escaped')

    def __init__(self, statement, dialect, column_keys):
        compiled = statement.compile(dialect=dialect,
                                     column_keys=column_keys)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise StatementError('Expanding parameters cannot be run '
                                 'directly: %s' % compiled.string)
        for column in getattr(statement, 'selected_columns', ()):
            impl = column.type.dialect_impl(dialect)
            if impl.result_processor(dialect, None) is not None:
                raise StatementError(
                    'Column %s needs result processing on %s; select it '
                    'with Core' % (column, dialect.name))
        prefetch = (getattr(compiled, 'insert_prefetch', ())
                    or getattr(compiled, 'update_prefetch', ()))
        if prefetch:
            raise StatementError(
                'Columns %s take Python defaults; give them values'
                % ', '.join(c.key for c in prefetch))
        self.sql = compiled.string
        self.positional = bool(dialect.positional)
        self.names = list(compiled.positiontup or ()) if self.positional \
            else list(compiled.binds)
        self.escaped = dict(getattr(compiled, 'escaped_bind_names', None)
                            or {})
        self.defaults = {}
        self.processors = []
        for name, bind in compiled.binds.items():
            if not bind.required:
                value = bind.effective_value
                self.defaults[name] = value
            processor = bind.type.dialect_impl(dialect).bind_processor(
                dialect)
            if processor is not None:
                self.processors.append((name, processor))

    def arguments(self, params):
        values = dict(self.defaults)
        values.update(params)
        for name, processor in self.processors:
            if name in values:
                values[name] = processor(values[name])
        try:
            if self.positional:
                return tuple([values[name] for name in self.names])
            return {self.escaped.get(name, name): values[name]
                    for name in self.names}
        except KeyError as e:
            raise StatementError('No value for parameter %s of: %s'
                                 % (e, self.sql)) from None


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
        :returns: a result with ``rowcount``, ``lastrowid``, ``scalar()``,
            ``first()`` and ``all()``; rows are as the driver gives them.
        """
        conn = _connection(conn)
        plan = self._plan(conn.dialect)
        return conn.exec_driver_sql(plan.sql, plan.arguments(params or {}))

    def executemany(self, conn, params):
        """Run once per dict of ``params`` (at least one), in one call."""
        conn = _connection(conn)
        plan = self._plan(conn.dialect)
        return conn.exec_driver_sql(
            plan.sql, [plan.arguments(p) for p in params])

    def __repr__(self):
        return '<Statement %s>' % self.statement


def _connection(conn):
    if isinstance(conn, orm.Session):
        return conn.connection()
    return conn
