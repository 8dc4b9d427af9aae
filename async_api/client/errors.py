"""What the client raises: an API-SIG error answer, or a wait that ran out."""


class ClientError(Exception):
    """The service answered 4xx or 5xx.

    Carries the fields of the first API-SIG error of the body
    (``{"errors": [{"status", "code", "title", "detail", "request_id"}]}``),
    or the bare status and text when the body is not such a document (a
    proxy's error page, say).
    """

    def __init__(self, status, code=None, title=None, detail=None,
                 request_id=None):
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.request_id = request_id
        super().__init__(self._message())

    def _message(self):
        text = self.detail or self.title or 'HTTP error'
        if self.code:
            text = '%s: %s' % (self.code, text)
        text += ' (HTTP %s)' % self.status
        if self.request_id:
            text += ' (Request-ID: %s)' % self.request_id
        return text

    @classmethod
    def from_response(cls, response):
        """The error of a ``requests``-like response of status >= 400."""
        request_id = response.headers.get('X-OpenStack-Request-ID')
        try:
            error = response.json()['errors'][0]
        except (ValueError, KeyError, IndexError, TypeError):
            return cls(response.status_code,
                       detail=(response.text or '').strip()[:500] or None,
                       request_id=request_id)
        return cls(int(error.get('status') or response.status_code),
                   code=error.get('code'), title=error.get('title'),
                   detail=error.get('detail'),
                   request_id=error.get('request_id') or request_id)


class WaitTimeout(Exception):
    """A task was still unfinished when the wait's time ran out.

    ``task`` is the task as last read; it goes on running.
    """

    def __init__(self, task, timeout):
        self.task = task
        self.timeout = timeout
        super().__init__('Task %s is still %s after %s seconds'
                         % (task['uuid'], task['state'], timeout))
