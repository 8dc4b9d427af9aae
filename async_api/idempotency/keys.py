"""Reading, checking and fingerprinting idempotency keys.

The key comes in the ``Idempotency-Key`` header (the IETF httpapi draft),
or in ``X-Client-Token`` (the name of the original OpenStack blueprint).
"""

import hashlib
import json

from async_api.common import exception

HEADER = 'Idempotency-Key'
ALIAS = 'X-Client-Token'
MAX_LENGTH = 255


def validate(key):
    """Return ``key`` if it is 1-255 printable ASCII characters."""
    if not key:
        raise exception.InvalidParameter('The idempotency key is empty')
    if len(key) > MAX_LENGTH:
        raise exception.InvalidParameter(
            'The idempotency key is longer than %d characters' % MAX_LENGTH)
    if any(not 0x20 <= ord(char) <= 0x7e for char in key):
        raise exception.InvalidParameter(
            'The idempotency key must be printable ASCII')
    return key


def from_headers(headers):
    """The request's key, or None; 400 if the two headers disagree."""
    key = headers.get(HEADER)
    alias = headers.get(ALIAS)
    if key is not None and alias is not None and key != alias:
        raise exception.InvalidParameter(
            '%s and %s are both set and differ; send one of them'
            % (HEADER, ALIAS))
    key = key if key is not None else alias
    return None if key is None else validate(key)


def fingerprint(method, path, body):
    """A digest of what makes two requests "the same request".

    The body is canonical JSON (sorted keys, no white space), so a client
    that re-serialises its retry differently still matches.
    """
    canonical = json.dumps([method.upper(), path, body], sort_keys=True,
                           separators=(',', ':'), ensure_ascii=True)
    return hashlib.sha256(canonical.encode('ascii')).hexdigest()
