"""The database's clock, as seconds since the Unix epoch, in SQL.

Leases are written and compared inside single SQL statements using this
expression, so every claimer is judged by one clock (the database's) and a
conductor whose own clock drifts can neither steal a live claim nor keep a
dead one.
"""

import sqlalchemy as sa
from sqlalchemy.ext import compiler
from sqlalchemy.sql import expression


class db_now(expression.FunctionElement):  # noqa: N801 - SQL function style
    """``now`` of the database server, as float epoch seconds."""

    type = sa.Double()
    inherit_cache = True
    name = 'db_now'


@compiler.compiles(db_now)
def _default(element, compiler, **kw):
    raise NotImplementedError(
        'The SQL jobboard has no database clock expression for the %r '
        'dialect (supported: sqlite, postgresql, mysql)'
        % compiler.dialect.name)


@compiler.compiles(db_now, 'sqlite')
def _sqlite(element, compiler, **kw):
    # julianday('now') has millisecond resolution and is stable within one
    # statement; 2440587.5 is the Julian day of 1970-01-01T00:00Z.
    return "((julianday('now') - 2440587.5) * 86400.0)"


@compiler.compiles(db_now, 'postgresql')
def _postgresql(element, compiler, **kw):
    # clock_timestamp(), not now(): now() is frozen at transaction start.
    return ('CAST(extract(epoch from clock_timestamp()) '
            'AS DOUBLE PRECISION)')


@compiler.compiles(db_now, 'mysql')
@compiler.compiles(db_now, 'mariadb')
def _mysql(element, compiler, **kw):
    return 'UNIX_TIMESTAMP(NOW(6))'


def now():
    """A SQL expression for the database's current time (epoch seconds)."""
    return db_now()
