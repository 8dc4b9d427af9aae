"""The log goes through the API's masking rules."""

import io
import logging

import testtools

from async_api.common import log_masking


class TestLogMasking(testtools.TestCase):

    def setUp(self):
        super().setUp()
        factory = logging.getLogRecordFactory()
        self.addCleanup(logging.setLogRecordFactory, factory)
        self.root = logging.getLogger('async_api.tests.masking')
        self.root.propagate = False
        self.addCleanup(setattr, self.root, 'propagate', True)
        self.stream = io.StringIO()
        handler = logging.StreamHandler(self.stream)
        self.root.addHandler(handler)
        self.addCleanup(self.root.removeHandler, handler)
        self.root.setLevel(logging.DEBUG)

    def test_messages_and_tracebacks_are_masked(self):
        log_masking.install(self.root)
        # A handler added later gets masked messages too.
        later = io.StringIO()
        handler = logging.StreamHandler(later)
        self.root.addHandler(handler)
        self.addCleanup(self.root.removeHandler, handler)
        self.root.debug('driver_info %s', {'bmc_pass': 'S1'})
        try:
            raise ValueError('http://admin:S2@bmc refused')
        except ValueError:
            self.root.exception('call %s', 'password=S3')
        for output in (self.stream.getvalue(), later.getvalue()):
            self.assertIn("'bmc_pass': '******'", output)
            self.assertIn('password=******', output)
            for secret in ('S1', 'S3'):
                self.assertNotIn(secret, output)
        # The traceback, in the handlers of install time.
        self.assertIn('http://admin:******@bmc', self.stream.getvalue())
        self.assertNotIn('S2', self.stream.getvalue())

    def test_install_twice_wraps_once(self):
        log_masking.install(self.root)
        factory = logging.getLogRecordFactory()
        log_masking.install(self.root)
        self.assertIs(factory, logging.getLogRecordFactory())
        formatter = self.root.handlers[0].formatter
        self.assertIsInstance(formatter, log_masking.MaskingFormatter)
        self.assertNotIsInstance(formatter.formatter,
                                 log_masking.MaskingFormatter)
