"""Cancel, Prefer: wait and validate now on the embedded service."""

from async_api.tests.functional.api import base
from async_api.tests.functional import cancel_wait


class TestCancelWaitEmbedded(cancel_wait.CancelWaitScenarios,
                             base.ServiceTestCase):

    # base.ServiceTestCase configures two conductor threads.
    WORKERS = 2

    def setUp(self):
        super().setUp()
        self.start('all')
