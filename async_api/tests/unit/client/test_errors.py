"""The client's errors read from the service's answers."""

import requests
import testtools

from async_api.client import errors


def response(status, body, **headers):
    answer = requests.Response()
    answer.status_code = status
    answer._content = body.encode()
    answer.headers.update(headers)
    return answer


class TestClientError(testtools.TestCase):

    def test_an_api_sig_body_gives_code_detail_and_request_id(self):
        error = errors.ClientError.from_response(response(
            404, '{"errors": [{"status": 404, "code": "node_not_found", '
            '"title": "Not Found", "detail": "Node n1 was not found", '
            '"request_id": "req-1"}]}'))
        self.assertEqual((404, 'node_not_found', 'req-1'),
                         (error.status, error.code, error.request_id))
        self.assertEqual('node_not_found: Node n1 was not found (HTTP 404) '
                         '(Request-ID: req-1)', str(error))

    def test_any_other_body_gives_status_and_text(self):
        error = errors.ClientError.from_response(response(
            502, '<html>Bad gateway</html>',
            **{'x-openstack-request-id': 'req-2'}))
        self.assertEqual('<html>Bad gateway</html> (HTTP 502) '
                         '(Request-ID: req-2)', str(error))
        self.assertIsNone(error.code)
