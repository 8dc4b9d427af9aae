"""Keys in the database: claim, complete, release, replay, purge.

A request first claims its key (an INSERT the unique constraint makes
atomic across API processes), then does its work, then stores its
response on the key, or releases the key if it was rejected. The claim
reserves the UUID of whatever the request creates, so a request that
takes over the key of a dead one creates the same object, never another.
"""

import dataclasses
import datetime

from oslo_db import exception as db_exc
from oslo_log import log
from oslo_utils import timeutils
from oslo_utils import uuidutils

from async_api.common import exception
from async_api.db import engine
from async_api.db import models

LOG = log.getLogger(__name__)

IN_PROGRESS = 'in_progress'
COMPLETED = 'completed'


@dataclasses.dataclass(frozen=True)
class StoredResponse:
    """The response the first request with this key was given."""

    status: int
    location: str
    body: object
    reserved_uuid: str


@dataclasses.dataclass
class Claim:
    """This request holds the key until it completes or releases it."""

    row_id: int
    owner: str
    reserved_uuid: str

    def complete(self, status, location, body):
        """Store the accepted response for replays."""
        with engine.current().writer.using() as session:
            updated = session.query(models.IdempotencyKey).filter_by(
                id=self.row_id, owner=self.owner).update(
                {'state': COMPLETED, 'status': status,
                 'location': location, 'body': body},
                synchronize_session=False)
        if not updated:
            # Held past lock_timeout and taken over: the taker creates the
            # same object under reserved_uuid, so nothing is doubled.
            LOG.warning('Idempotency key %d was taken over before its '
                        'response was stored', self.row_id)

    def release(self):
        """Forget the key: the request was rejected and may be retried."""
        with engine.current().writer.using() as session:
            session.query(models.IdempotencyKey).filter_by(
                id=self.row_id, owner=self.owner).delete(
                synchronize_session=False)


def _insert(project_id, key, fingerprint, now, ttl):
    row = models.IdempotencyKey(
        project_id=project_id, key=key, fingerprint=fingerprint,
        state=IN_PROGRESS, owner=uuidutils.generate_uuid(), locked_at=now,
        reserved_uuid=uuidutils.generate_uuid(), created_at=now,
        expires_at=now + datetime.timedelta(seconds=ttl))
    with engine.current().writer.using() as session:
        session.add(row)
        session.flush()
        return Claim(row.id, row.owner, row.reserved_uuid)


def _existing(project_id, key):
    with engine.current().reader.using() as session:
        row = session.query(models.IdempotencyKey).filter_by(
            project_id=project_id, key=key).one_or_none()
        if row is not None:
            session.expunge(row)
        return row


def _delete_expired(row, now):
    with engine.current().writer.using() as session:
        session.query(models.IdempotencyKey).filter(
            models.IdempotencyKey.id == row.id,
            models.IdempotencyKey.expires_at <= now).delete(
            synchronize_session=False)


def _take_over(row, now):
    owner = uuidutils.generate_uuid()
    with engine.current().writer.using() as session:
        taken = session.query(models.IdempotencyKey).filter_by(
            id=row.id, owner=row.owner, state=IN_PROGRESS).update(
            {'owner': owner, 'locked_at': now}, synchronize_session=False)
    return Claim(row.id, owner, row.reserved_uuid) if taken else None


def begin(conf, project_id, key, fingerprint):
    """Claim ``key`` for a request, or say why not.

    :returns: a :class:`Claim` when this request goes ahead, or the
        :class:`StoredResponse` to replay.
    :raises IdempotencyKeyMismatch: the key was used for another request.
    :raises IdempotencyKeyInUse: the first request is still being accepted.
    """
    project_id = project_id or ''
    opts = conf.async_api_idempotency
    # Two rounds: a first insert may lose to a key that then turns out to
    # be expired, or purged in between.
    for _ in range(2):
        now = timeutils.utcnow()
        try:
            return _insert(project_id, key, fingerprint, now, opts.key_ttl)
        except db_exc.DBDuplicateEntry:
            pass
        row = _existing(project_id, key)
        if row is None:
            continue
        if row.expires_at <= now:
            _delete_expired(row, now)
            continue
        if row.fingerprint != fingerprint:
            raise exception.IdempotencyKeyMismatch(
                'Idempotency key %r was already used for a different '
                'request' % key)
        if row.state == COMPLETED:
            return StoredResponse(row.status, row.location, row.body,
                                  row.reserved_uuid)
        stale = now - datetime.timedelta(seconds=opts.lock_timeout)
        if row.locked_at <= stale:
            claim = _take_over(row, now)
            if claim is not None:
                LOG.info('Took over idempotency key %d held since %s',
                         row.id, row.locked_at)
                return claim
        break
    raise exception.IdempotencyKeyInUse(
        'A request with idempotency key %r is still being accepted; '
        'retry later' % key, retry_after=opts.retry_after)


def purge_expired(now=None):
    """Delete every key past its expiry; returns how many."""
    now = now or timeutils.utcnow()
    with engine.current().writer.using() as session:
        return session.query(models.IdempotencyKey).filter(
            models.IdempotencyKey.expires_at <= now).delete(
            synchronize_session=False)
