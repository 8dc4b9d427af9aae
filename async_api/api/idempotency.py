"""``Idempotency-Key`` on every mutating request.

A WSGI middleware between the error middleware and Pecan. For a POST, PUT
or PATCH that carries a key it claims the key (scoped to the caller's
project) before the request runs, and then either stores the accepted
response for replays or, if the request was rejected, releases the key.
A repeated request gets the stored response with
``Idempotent-Replayed: true``. The claim's reserved UUID is handed to the
controller in the WSGI environment, so that the task or node it creates
has the same UUID however often a dead request is taken over.
"""

import http.client
import io
import json

from oslo_log import log

from async_api.api import auth
from async_api.idempotency import keys
from async_api.idempotency import store

LOG = log.getLogger(__name__)

#: Where a controller finds the UUID to give what it creates.
ENV_RESERVED_UUID = 'async_api.reserved_uuid'

_METHODS = frozenset(('POST', 'PUT', 'PATCH'))
_REPLAYED = ('Idempotent-Replayed', 'true')


def reserved_uuid(environ):
    """The UUID reserved for this request's new object, or None."""
    return environ.get(ENV_RESERVED_UUID)


def _read_body(environ):
    try:
        length = int(environ.get('CONTENT_LENGTH') or 0)
    except ValueError:
        length = 0
    raw = environ['wsgi.input'].read(length) if length > 0 else b''
    # Put it back for Pecan.
    environ['wsgi.input'] = io.BytesIO(raw)
    return raw


def _canonical(raw):
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        # Not JSON: the request will be rejected, but match it byte-wise.
        return raw.decode('utf-8', 'replace')


def _header(environ, name):
    return environ.get('HTTP_' + name.upper().replace('-', '_'))


class IdempotencyMiddleware:
    """Claim, replay, complete or release idempotency keys."""

    def __init__(self, app, conf):
        self.app = app
        self.conf = conf

    def __call__(self, environ, start_response):
        if environ.get('REQUEST_METHOD') not in _METHODS:
            return self.app(environ, start_response)
        key = keys.from_headers({
            name: _header(environ, name) for name in (keys.HEADER, keys.ALIAS)
            if _header(environ, name) is not None})
        if key is None:
            return self.app(environ, start_response)
        fingerprint = keys.fingerprint(
            environ['REQUEST_METHOD'], environ.get('PATH_INFO', ''),
            _canonical(_read_body(environ)))
        # The authenticated project, never a header the client sent.
        claim = store.begin(self.conf, auth.context(environ).project_id,
                            key, fingerprint)
        if isinstance(claim, store.StoredResponse):
            return self._replay(claim, start_response)
        environ[ENV_RESERVED_UUID] = claim.reserved_uuid
        return self._run(claim, environ, start_response)

    @staticmethod
    def _replay(stored, start_response):
        document = json.dumps(stored.body).encode('utf-8')
        headers = [('Content-Type', 'application/json'),
                   ('Content-Length', str(len(document))), _REPLAYED]
        if stored.location:
            headers.append(('Location', stored.location))
        start_response('%d %s' % (stored.status, http.client.responses.get(
            stored.status, 'Replayed')), headers)
        return [document]

    def _run(self, claim, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured['status'] = int(status.split(' ', 1)[0])
            captured['headers'] = headers
            return start_response(status, headers, exc_info)

        try:
            chunks = list(self.app(environ, capture))
        except BaseException:
            claim.release()
            raise
        status = captured.get('status', 500)
        if not 200 <= status < 300:
            # A rejected request changed nothing: the key may be reused.
            claim.release()
            return chunks
        location = next((value for name, value in captured['headers']
                         if name.lower() == 'location'), None)
        raw = b''.join(chunks)
        try:
            claim.complete(status, location, json.loads(raw) if raw else None)
        except Exception:
            # The work is done and answered; a retry will find the object
            # under the reserved UUID, so do not fail the response.
            LOG.exception('Could not store the response of idempotency '
                          'key claim %s', claim.row_id)
        return [raw]
