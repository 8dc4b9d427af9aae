"""Reading and fingerprinting idempotency keys."""

from async_api.common import exception
from async_api.idempotency import keys
from async_api.tests import base


class TestFromHeaders(base.TestCase):

    def test_no_key(self):
        self.assertIsNone(keys.from_headers({}))

    def test_header_and_alias(self):
        self.assertEqual('k1', keys.from_headers({'Idempotency-Key': 'k1'}))
        self.assertEqual('k2', keys.from_headers({'X-Client-Token': 'k2'}))
        self.assertEqual('k3', keys.from_headers(
            {'Idempotency-Key': 'k3', 'X-Client-Token': 'k3'}))

    def test_both_and_different_is_rejected(self):
        error = self.assertRaises(
            exception.InvalidParameter, keys.from_headers,
            {'Idempotency-Key': 'a', 'X-Client-Token': 'b'})
        self.assertIn('differ', error.detail)

    def test_invalid_keys(self):
        for bad in ('', 'x' * 256, 'caf\u00e9', 'tab\there', 'nl\n'):
            self.assertRaises(exception.InvalidParameter,
                              keys.from_headers, {'Idempotency-Key': bad})

    def test_longest_valid_key(self):
        key = '~' * 255
        self.assertEqual(key, keys.from_headers({'Idempotency-Key': key}))


class TestFingerprint(base.TestCase):

    def test_canonical_body(self):
        self.assertEqual(
            keys.fingerprint('put', '/v1/x', {'a': 1, 'b': [1, 2]}),
            keys.fingerprint('PUT', '/v1/x', {'b': [1, 2], 'a': 1}))

    def test_differences_count(self):
        first = keys.fingerprint('PUT', '/v1/x', {'a': 1})
        self.assertNotEqual(first, keys.fingerprint('POST', '/v1/x',
                                                    {'a': 1}))
        self.assertNotEqual(first, keys.fingerprint('PUT', '/v1/y',
                                                    {'a': 1}))
        self.assertNotEqual(first, keys.fingerprint('PUT', '/v1/x',
                                                    {'a': 2}))
