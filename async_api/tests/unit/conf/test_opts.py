"""The options exported for the sample configuration."""

from async_api.conf import opts
from async_api.tests import base


class TestListOpts(base.TestCase):

    def test_every_option_has_help(self):
        for group, options in opts.list_opts():
            for opt in options:
                self.assertTrue(opt.help, '%s.%s has no help text'
                                % (group, opt.name))

    def test_every_registered_group_is_listed(self):
        listed = {group for group, _ in opts.list_opts()}
        for group in ('DEFAULT', 'conductor', 'jobboard', 'persistence'):
            self.assertIn(group, listed)
