"""Claiming, completing, releasing, taking over and purging keys."""

import datetime

from oslo_utils import timeutils

from async_api.common import exception
from async_api.baremetal import conf as async_conf
from async_api.db import engine
from async_api.db import models
from async_api.idempotency import store
from async_api.tests import base
from async_api.tests import db_fixtures


class TestStore(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(db_fixtures.SQLiteDatabase())
        self.conf = async_conf.CONF

    def _rows(self):
        with engine.current().reader.using() as session:
            return session.query(models.IdempotencyKey).all()

    def test_first_use_claims_and_reserves_a_uuid(self):
        claim = store.begin(self.conf, 'p1', 'k', 'f1')
        self.assertIsInstance(claim, store.Claim)
        self.assertTrue(claim.reserved_uuid)
        self.assertEqual(['in_progress'], [r.state for r in self._rows()])

    def test_completed_key_replays_the_stored_response(self):
        claim = store.begin(self.conf, 'p1', 'k', 'f1')
        claim.complete(202, '/v1/tasks/x', {'uuid': 'x'})
        replay = store.begin(self.conf, 'p1', 'k', 'f1')
        self.assertEqual(store.StoredResponse(
            202, '/v1/tasks/x', {'uuid': 'x'}, claim.reserved_uuid), replay)

    def test_other_request_with_same_key_is_a_mismatch(self):
        store.begin(self.conf, 'p1', 'k', 'f1').complete(202, None, None)
        self.assertRaises(exception.IdempotencyKeyMismatch,
                          store.begin, self.conf, 'p1', 'k', 'f2')

    def test_key_in_progress_is_in_use_with_retry_after(self):
        self.config(retry_after=3, group='async_api_idempotency')
        store.begin(self.conf, 'p1', 'k', 'f1')
        error = self.assertRaises(exception.IdempotencyKeyInUse,
                                  store.begin, self.conf, 'p1', 'k', 'f1')
        self.assertEqual(3, error.retry_after)
        self.assertEqual(409, error.status)

    def test_released_key_can_be_used_again(self):
        claim = store.begin(self.conf, 'p1', 'k', 'f1')
        claim.release()
        self.assertEqual([], self._rows())
        again = store.begin(self.conf, 'p1', 'k', 'f2')
        self.assertIsInstance(again, store.Claim)
        self.assertNotEqual(claim.reserved_uuid, again.reserved_uuid)

    def test_keys_are_scoped_to_the_project(self):
        store.begin(self.conf, 'p1', 'k', 'f1').complete(202, None, 'A')
        other = store.begin(self.conf, 'p2', 'k', 'f1')
        self.assertIsInstance(other, store.Claim)
        no_project = store.begin(self.conf, None, 'k', 'f1')
        self.assertIsInstance(no_project, store.Claim)

    def test_stale_claim_is_taken_over_with_the_same_reservation(self):
        self.config(lock_timeout=5, group='async_api_idempotency')
        first = store.begin(self.conf, 'p1', 'k', 'f1')
        later = timeutils.utcnow() + datetime.timedelta(seconds=6)
        with _frozen(later):
            second = store.begin(self.conf, 'p1', 'k', 'f1')
        self.assertIsInstance(second, store.Claim)
        self.assertEqual(first.reserved_uuid, second.reserved_uuid)
        self.assertNotEqual(first.owner, second.owner)
        # The dead first owner can no longer complete or release it.
        first.release()
        first.complete(202, None, 'stale')
        second.complete(202, None, 'fresh')
        self.assertEqual('fresh', store.begin(
            self.conf, 'p1', 'k', 'f1').body)

    def test_expired_key_is_forgotten_and_purged(self):
        self.config(key_ttl=60, group='async_api_idempotency')
        store.begin(self.conf, 'p1', 'k', 'f1').complete(202, None, 'A')
        store.begin(self.conf, 'p1', 'k2', 'f1').complete(202, None, 'B')
        later = timeutils.utcnow() + datetime.timedelta(seconds=61)
        with _frozen(later):
            fresh = store.begin(self.conf, 'p1', 'k', 'other request')
            self.assertIsInstance(fresh, store.Claim)
            self.assertEqual(1, store.purge_expired())
        self.assertEqual(['k'], [r.key for r in self._rows()])


class _frozen:
    """Set oslo's utcnow to ``when`` for the duration of a block."""

    def __init__(self, when):
        self.when = when

    def __enter__(self):
        timeutils.set_time_override(self.when)

    def __exit__(self, *exc):
        timeutils.clear_time_override()
