"""The exceptions async_api raises to its callers.

Every error a client can see is an :class:`AsyncApiError` with an HTTP
status and a stable machine-readable ``code`` (the OpenStack API-SIG errors
guideline). A service adds its own below these (``NotFound`` for its
resources, ``Conflict`` for its rules)::

    AsyncApiError
    ├── InvalidParameter        400 invalid_parameter
    ├── Unauthorized            401 unauthorized
    ├── Forbidden               403 forbidden
    │   └── PolicyNotAuthorized 403 policy_not_authorized
    ├── NotFound                404 <resource>_not_found
    │   ├── TaskNotFound        404 task_not_found
    │   └── OperationNotFound   404 operation_not_found
    ├── Conflict                409 conflict
    │   ├── TaskNotCancellable  409 task_not_cancellable
    │   ├── TaskFinished        409 task_finished
    │   ├── ResourceQueueFull   409 resource_queue_full
    │   └── IdempotencyKeyInUse 409 idempotency_key_in_use
    ├── RequestTooLarge         413 request_too_large
    ├── UnsupportedMediaType    415 unsupported_media_type
    ├── IdempotencyKeyMismatch  422 idempotency_key_mismatch
    └── ServiceUnavailable      503 service_unavailable
"""


class AsyncApiError(Exception):
    """Base of every error with a client-facing status and code."""

    status = 500
    code = 'internal_error'
    title = 'Internal error'

    def __init__(self, detail=None, **kwargs):
        self.detail = detail or self.title
        self.kwargs = kwargs
        super().__init__(self.detail)

    @property
    def headers(self):
        """Extra response headers, as ``[(name, value)]``."""
        return []


class InvalidParameter(AsyncApiError):
    status = 400
    code = 'invalid_parameter'
    title = 'Invalid parameter'


class Unauthorized(AsyncApiError):
    """The request carries no credentials, or wrong ones."""

    status = 401
    code = 'unauthorized'
    title = 'Unauthorized'

    def __init__(self, detail=None, challenge=None, **kwargs):
        super().__init__(detail, **kwargs)
        self.challenge = challenge

    @property
    def headers(self):
        # RFC 9110: a 401 says how to authenticate.
        if self.challenge:
            return [('WWW-Authenticate', self.challenge)]
        return []


class Forbidden(AsyncApiError):
    status = 403
    code = 'forbidden'
    title = 'Forbidden'


class PolicyNotAuthorized(Forbidden):
    """The policy refuses the caller this action on an object it sees.

    Objects of other projects are not found (404) instead, so that a
    refusal never tells that they exist.
    """

    code = 'policy_not_authorized'
    title = 'Not authorized by policy'


class NotFound(AsyncApiError):
    status = 404
    code = 'not_found'
    title = 'Not found'


class TaskNotFound(NotFound):
    code = 'task_not_found'
    title = 'Task not found'


class OperationNotFound(NotFound):
    code = 'operation_not_found'
    title = 'Operation not found'


class Conflict(AsyncApiError):
    status = 409
    code = 'conflict'
    title = 'Conflict'


class TaskNotCancellable(Conflict):
    """The task's operation may not be stopped once it has started."""

    code = 'task_not_cancellable'
    title = 'Task cannot be cancelled'


class TaskFinished(Conflict):
    """The task already ended (succeeded, failed or error): too late."""

    code = 'task_finished'
    title = 'Task already finished'


class ResourceQueueFull(Conflict):
    """The resource has as many unfinished tasks as it may queue."""

    code = 'resource_queue_full'
    title = 'Resource queue full'


class ServiceUnavailable(AsyncApiError):
    status = 503
    code = 'service_unavailable'
    title = 'Service unavailable'

    @property
    def headers(self):
        # Outages of the database or the board last seconds, not minutes.
        return [('Retry-After', '5')]


class IdempotencyKeyMismatch(AsyncApiError):
    """The key was used before for a different request."""

    status = 422
    code = 'idempotency_key_mismatch'
    title = 'Idempotency key reused for another request'


class IdempotencyKeyInUse(Conflict):
    """The first request with this key is still being accepted."""

    code = 'idempotency_key_in_use'
    title = 'Idempotency key in use'

    def __init__(self, detail=None, retry_after=1, **kwargs):
        super().__init__(detail, **kwargs)
        self.retry_after = retry_after

    @property
    def headers(self):
        return [('Retry-After', str(self.retry_after))]


class RequestTooLarge(AsyncApiError):
    status = 413
    code = 'request_too_large'
    title = 'Request body too large'


class UnsupportedMediaType(AsyncApiError):
    status = 415
    code = 'unsupported_media_type'
    title = 'Unsupported media type'
