"""The TaskFlow persistence connection of :mod:`async_api.persistence`.

Every call is one short transaction on the backend's shared engine,
committed before the call returns: what TaskFlow saved survives a crash
of the process. Speed comes from doing less per call, not from deferring
commits:

* statements are module-level Core constructs on module-level tables, so
  SQLAlchemy compiles each once per process (TaskFlow's own backend builds
  new ``Table`` objects per connection, defeating the compiled cache);
* a save is a single ``UPDATE`` keyed by uuid; TaskFlow's read, merge and
  write gives the same row because ``merge()`` takes every field but the
  identity from the incoming detail;
* writes come first in each transaction, so on SQLite the write lock is
  taken (waiting ``busy_timeout``) before anything is read, and a stale
  read snapshot can never fail the upgrade to a writer.

The one exception: inside :func:`async_api.db.deferred.holding` (a
conductor running a flow on the service's own database), flow and atom
saves are held until the thread's next write, the report of the same
state change, and commit with it (see :mod:`async_api.db.deferred`).
"""

import contextlib
import functools

from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from taskflow import exceptions as exc
from taskflow.persistence import base
from taskflow.persistence import models as tf_models

from async_api.db import deferred
from async_api.db import direct
from async_api.persistence import models
from async_api.persistence import rows

_L = models.logbooks
_F = models.flow_details
_A = models.atom_details

# The statements of every post and flow run, compiled once per database
# (see async_api.db.direct); they set updated_at themselves.
_UPDATE_BOOK = direct.Statement(
    sa.update(_L).where(_L.c.uuid == sa.bindparam('b_uuid')),
    column_keys=tuple(rows.book_changes(tf_models.LogBook('-'))))
_ATOM_SET = rows.ATOM_CHANGES + ('updated_at',)
_UPDATE_FLOW = direct.Statement(
    sa.update(_F).where(_F.c.uuid == sa.bindparam('b_uuid')),
    column_keys=('meta', 'state', 'updated_at'))
_UPDATE_ATOM = direct.Statement(
    sa.update(_A).where(_A.c.uuid == sa.bindparam('b_uuid')),
    column_keys=_ATOM_SET)
_UPDATE_TYPED_ATOM = direct.Statement(
    sa.update(_A).where(_A.c.uuid == sa.bindparam('b_uuid'),
                        _A.c.atom_type == sa.bindparam('b_type')),
    column_keys=_ATOM_SET)
_STORED_ATOMS = direct.Statement(sa.select(_A.c.uuid, _A.c.atom_type).where(
    _A.c.parent_uuid == sa.bindparam('b_uuid')))
# A conductor loads its job's logbook on every claim.
_BOOK = direct.Statement(sa.select(_L).where(
    _L.c.uuid == sa.bindparam('b_uuid')))
_FLOWS_OF_BOOK = direct.Statement(sa.select(_F).where(
    _F.c.parent_uuid == sa.bindparam('b_uuid')))
_ATOMS_OF_BOOK = direct.Statement(sa.select(_A).where(
    _A.c.parent_uuid.in_(sa.select(_F.c.uuid).where(
        _F.c.parent_uuid == sa.bindparam('b_uuid')))))


def _flows_of_book(book_uuid):
    return sa.select(_F.c.uuid).where(_F.c.parent_uuid == book_uuid)


@functools.cache
def _insert_statement(table, keys):
    return direct.Statement(sa.insert(table), column_keys=keys)


def _insert(conn, table, values):
    """Insert the rows ``values`` (dicts) into ``table``, directly."""
    shapes = {}
    for row in values:
        row = direct.with_defaults(table, row)
        shapes.setdefault(tuple(sorted(row)), []).append(row)
    for keys, same in shapes.items():
        _insert_statement(table, keys).executemany(conn, same)


class Connection(base.Connection):
    """One handle on a :class:`~async_api.persistence.backend.SQLBackend`.

    Cheap to create: it holds no database connection of its own, and
    borrows one from the engine's pool for the length of each call.
    """

    def __init__(self, backend):
        self._backend = backend
        self._engine = backend.engine

    @property
    def backend(self):
        """The backend this connection belongs to."""
        return self._backend

    def close(self):
        """Nothing to release: pooled connections go back after each call."""

    @contextlib.contextmanager
    def _writing(self, what):
        try:
            with self._engine.begin() as conn:
                # Held saves first: they were made before this one.
                committed = deferred.write_held(conn, self._engine)
                yield conn
            committed()
        except sa_exc.SQLAlchemyError:
            exc.raise_with_cause(exc.StorageFailure, 'Failed ' + what)

    @contextlib.contextmanager
    def _reading(self, what):
        if deferred.has_held(self._engine):
            # Read what this thread saved, held saves included. With
            # nothing held, no empty transaction (a run's first read of
            # its logbook made one).
            with self._writing(what):
                pass
        try:
            with self._engine.connect() as conn:
                yield conn
        except sa_exc.SQLAlchemyError:
            exc.raise_with_cause(exc.StorageFailure, 'Failed ' + what)

    def validate(self):
        """Check that the database answers."""
        with self._reading('validating the database connection') as conn:
            conn.execute(sa.select(1))

    def upgrade(self):
        """Create the backend's tables where they are missing.

        A database upgraded by the library's migrations
        (``async-api-dbsync``) already has them, so this is then only a
        check.
        """
        with self._backend.upgrade_lock:
            with self._writing('creating the persistence tables') as conn:
                models.FlowLogbook.metadata.create_all(
                    conn, tables=list(models.TABLES), checkfirst=True)

    def clear_all(self):
        """Delete every logbook, flow detail and atom detail."""
        with self._writing('clearing all entries') as conn:
            for table in reversed(models.TABLES):
                conn.execute(table.delete())
        self._backend.saved_atoms.forget()

    def update_atom_details(self, atom_detail):
        """Save an existing atom detail: one ``UPDATE``, committed.

        Returns ``atom_detail`` itself: TaskFlow's backend returns the
        stored detail merged with it, which shares every field with it.
        """
        params = rows.atom_changes(atom_detail)
        saved = self._backend.saved_atoms
        key = ('atom', atom_detail.uuid)
        # Compared with what was last committed, so only while no save of
        # the atom is held: one would commit after this save and undo it
        # (the intentions an outage's repair puts back, say, would be
        # stored as the revert TaskFlow had set meanwhile). This save
        # replaces it instead.
        if (saved.marker_only(atom_detail.uuid, params)
                and not deferred.is_held(self._engine, key)):
            # Only TaskFlow's 0.0/1.0 progress marker changed since this
            # process last wrote the atom: not needed to resume (see
            # async_api.persistence.progress).
            return atom_detail
        changes = dict(params)
        params['b_uuid'] = atom_detail.uuid
        params['b_type'] = tf_models.atom_detail_type(atom_detail)
        params['updated_at'] = timeutils.utcnow()

        def write(conn):
            if not _UPDATE_TYPED_ATOM.execute(conn, params).rowcount:
                stored = conn.execute(
                    sa.select(_A.c.atom_type).where(
                        _A.c.uuid == atom_detail.uuid)).scalar()
                if stored is None:
                    raise exc.NotFound("No atom details found with uuid '%s'"
                                       % atom_detail.uuid)
                raise rows.type_mismatch(atom_detail, stored)

        def remember():
            saved.saved(atom_detail.uuid, changes)

        # Held for the report of this state change (see module doc).
        if deferred.put(self._engine, key, write, remember):
            return atom_detail
        with self._writing('updating atom details with uuid %r'
                           % atom_detail.uuid) as conn:
            write(conn)
        remember()
        return atom_detail

    def update_flow_details(self, flow_detail):
        """Save an existing flow detail and all the atom details in it.

        New atom details are inserted. Returns the flow detail as stored:
        ``flow_detail``'s atoms plus any other process added.
        """
        written = []
        if deferred.is_holding(self._engine):
            # Held for the report of this state change (see module doc).
            # Under the job's claim no one else adds atoms to the flow,
            # so it is stored as given.
            held = flow_detail.copy()
            deferred.put(self._engine, ('flow', flow_detail.uuid),
                         lambda conn: self._update_flow(conn, held, written,
                                                        sole_writer=True),
                         lambda: self._remember(written), keep_place=True)
            return flow_detail.copy()
        with self._writing('updating flow details with uuid %r'
                           % flow_detail.uuid) as conn:
            stored = self._update_flow(conn, flow_detail, written)
            result = flow_detail.copy()
            others = [uuid for uuid in stored
                      if flow_detail.find(uuid) is None]
            if others:
                for ad in self._atoms(conn, _A.c.uuid.in_(others)):
                    result.add(ad)
        self._remember(written)
        return result

    def _update_flow(self, conn, flow_detail, written, sole_writer=False):
        now = timeutils.utcnow()
        params = rows.flow_changes(flow_detail)
        params['b_uuid'] = flow_detail.uuid
        params['updated_at'] = now
        if not _UPDATE_FLOW.execute(conn, params).rowcount:
            raise exc.NotFound("No flow details found with uuid '%s'"
                               % flow_detail.uuid)
        saved = self._backend.saved_atoms
        if sole_writer and saved.knows(ad.uuid for ad in flow_detail):
            # No other process adds atoms, and this one wrote (so stored,
            # as these types) all of them: nothing to look up.
            stored = {ad.uuid: tf_models.atom_detail_type(ad)
                      for ad in flow_detail}
        else:
            stored = dict(_STORED_ATOMS.execute(
                conn, {'b_uuid': flow_detail.uuid}).all())
        new, changed = [], []
        for ad in flow_detail:
            stored_type = stored.get(ad.uuid)
            if stored_type is None:
                new.append(rows.atom_values(ad, flow_detail.uuid))
            elif stored_type != tf_models.atom_detail_type(ad):
                raise rows.type_mismatch(ad, stored_type)
            else:
                params = rows.atom_changes(ad)
                # Every flow save carries all its atoms: rewrite only
                # those changed since this process wrote them.
                if not saved.marker_only(ad.uuid, params):
                    changed.append((ad.uuid, params))
        if new:
            _insert(conn, _A, new)
        if changed:
            # One executemany round for all of them.
            _UPDATE_ATOM.executemany(conn, [
                dict(params, b_uuid=uuid, updated_at=now)
                for uuid, params in changed])
        # Remembered by the caller once committed.
        written.extend(changed)
        written.extend((ad.uuid, rows.atom_changes(ad)) for ad in flow_detail
                       if ad.uuid not in stored)
        return stored

    def _remember(self, written):
        for uuid, params in written:
            self._backend.saved_atoms.saved(uuid, params)

    def _insert_flows(self, conn, flow_details, book_uuid):
        if not flow_details:
            return
        _insert(conn, _F, [rows.flow_values(fd, book_uuid)
                           for fd in flow_details])
        atoms = [rows.atom_values(ad, fd.uuid)
                 for fd in flow_details for ad in fd]
        if atoms:
            _insert(conn, _A, atoms)

    def save_logbook(self, book):
        """Save a logbook with all its flow and atom details, committed.

        A new logbook is inserted and returned as given. An existing one
        is merged as TaskFlow's backend does and returned as now stored.
        """
        written = []
        with self._writing('saving logbook %r' % book.uuid) as conn:
            result = self._save_book(conn, book, written)
        self._remember(written)
        return result

    def insert_logbook(self, conn, book):
        """Insert a new ``book`` (and its flow details) on ``conn``.

        Written in the caller's transaction, for a caller whose rows share
        the backend's database and must commit with the book (a job and
        its logbook, see :mod:`async_api.tasks.posting`).
        """
        _insert(conn, _L, [rows.book_values(book)])
        self._insert_flows(conn, list(book), book.uuid)

    def _save_book(self, conn, book, written):
        params = rows.book_changes(book)
        params['b_uuid'] = book.uuid
        if not _UPDATE_BOOK.execute(conn, params).rowcount:
            _insert(conn, _L, [rows.book_values(book)])
            self._insert_flows(conn, list(book), book.uuid)
            return book
        stored = set(conn.execute(_flows_of_book(book.uuid)).scalars())
        self._insert_flows(
            conn, [fd for fd in book if fd.uuid not in stored], book.uuid)
        complete = stored.issubset(fd.uuid for fd in book)
        for fd in book:
            if fd.uuid in stored:
                atoms = self._update_flow(conn, fd, written)
                complete = complete and all(
                    fd.find(uuid) is not None for uuid in atoms)
        name = conn.execute(sa.select(_L.c.name).where(
            _L.c.uuid == book.uuid)).scalar()
        if complete and name == book.name:
            # The stored book is now exactly this one: skip reloading.
            return book
        return self._load_books(conn, _L.c.uuid == book.uuid)[0]

    def destroy_logbook(self, book_uuid):
        """Delete a logbook and everything in it."""
        with self._writing('destroying logbook %r' % book_uuid) as conn:
            # Children first, by hand: SQLite enforces the cascade only
            # on connections with foreign_keys on, and a shared engine
            # may not have it.
            flows = _flows_of_book(book_uuid)
            conn.execute(_A.delete().where(_A.c.parent_uuid.in_(flows)))
            conn.execute(_F.delete().where(_F.c.parent_uuid == book_uuid))
            deleted = conn.execute(
                _L.delete().where(_L.c.uuid == book_uuid)).rowcount
            if not deleted:
                raise exc.NotFound("No logbook found with uuid '%s'"
                                   % book_uuid)
        self._backend.saved_atoms.forget()

    def _atoms(self, conn, where):
        return [rows.to_atom(row)
                for row in conn.execute(sa.select(_A).where(where))]

    def _flows(self, conn, where, lazy):
        """(logbook uuid, flow detail) of the flow details ``where``."""
        found = [(row.parent_uuid, rows.to_flow(row))
                 for row in conn.execute(sa.select(_F).where(where))]
        if not lazy and found:
            by_uuid = {fd.uuid: fd for _book, fd in found}
            # All atoms in one query rather than one per flow.
            atoms = conn.execute(sa.select(_A).where(
                _A.c.parent_uuid.in_(sa.select(_F.c.uuid).where(where))))
            for row in atoms:
                by_uuid[row.parent_uuid].add(rows.to_atom(row))
        return found

    def _load_books(self, conn, where, lazy=False):
        books = [rows.to_book(row)
                 for row in conn.execute(sa.select(_L).where(where))]
        if not lazy and books:
            by_uuid = {book.uuid: book for book in books}
            in_books = _F.c.parent_uuid.in_(
                sa.select(_L.c.uuid).where(where))
            for book_uuid, fd in self._flows(conn, in_books, lazy=False):
                by_uuid[book_uuid].add(fd)
        return books

    def get_logbook(self, book_uuid, lazy=False):
        """Fetch a logbook (with its flow and atom details unless lazy)."""
        params = {'b_uuid': book_uuid}
        with self._reading('getting logbook %r' % book_uuid) as conn:
            books = [rows.to_book(row) for row in _BOOK.rows(conn, params)]
            if books and not lazy:
                flows = {}
                for row in _FLOWS_OF_BOOK.rows(conn, params):
                    flows[row.uuid] = rows.to_flow(row)
                    books[0].add(flows[row.uuid])
                for row in _ATOMS_OF_BOOK.rows(conn, params):
                    flows[row.parent_uuid].add(rows.to_atom(row))
        if not books:
            raise exc.NotFound("No logbook found with uuid '%s'"
                               % book_uuid)
        return books[0]

    def get_logbooks(self, lazy=False):
        """Fetch every logbook (with their contents unless lazy)."""
        with self._reading('getting logbooks') as conn:
            return iter(self._load_books(conn, sa.true(), lazy))

    def get_flows_for_book(self, book_uuid, lazy=False):
        """Fetch the flow details of a logbook."""
        with self._reading('getting flow details in logbook %r'
                           % book_uuid) as conn:
            found = self._flows(conn, _F.c.parent_uuid == book_uuid, lazy)
        return iter([fd for _book, fd in found])

    def get_flow_details(self, fd_uuid, lazy=False):
        """Fetch a flow detail (with its atom details unless lazy)."""
        with self._reading('getting flow details with uuid %r'
                           % fd_uuid) as conn:
            found = self._flows(conn, _F.c.uuid == fd_uuid, lazy)
        if not found:
            raise exc.NotFound("No flow details found with uuid '%s'"
                               % fd_uuid)
        return found[0][1]

    def get_atom_details(self, ad_uuid):
        """Fetch one atom detail."""
        with self._reading('getting atom details with uuid %r'
                           % ad_uuid) as conn:
            atoms = self._atoms(conn, _A.c.uuid == ad_uuid)
        if not atoms:
            raise exc.NotFound("No atom details found with uuid '%s'"
                               % ad_uuid)
        return atoms[0]

    def get_atoms_for_flow(self, fd_uuid):
        """Fetch the atom details of a flow detail."""
        with self._reading('getting atom details in flow detail %r'
                           % fd_uuid) as conn:
            return iter(self._atoms(conn, _A.c.parent_uuid == fd_uuid))
