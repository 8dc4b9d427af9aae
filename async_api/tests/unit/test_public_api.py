"""``async_api.__all__`` is the documented public API, and it resolves."""

import os
import re

import testtools

import async_api

DOC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))),
    'doc', 'source', 'user', 'public-api.rst')

_DIRECTIVE = re.compile(
    r'^\.\. (?:auto(?:function|class)|py:data):: async_api\.(\w+)\s*$',
    re.M)


class TestPublicAPI(testtools.TestCase):

    def test_all_is_the_documented_list(self):
        with open(DOC) as f:
            documented = _DIRECTIVE.findall(f.read())
        self.assertEqual(len(documented), len(set(documented)),
                         'a name is documented twice')
        self.assertEqual(sorted(documented), sorted(async_api.__all__))

    def test_every_name_resolves(self):
        for name in async_api.__all__:
            self.assertIsNotNone(getattr(async_api, name), name)
            self.assertIn(name, dir(async_api))

    def test_unknown_names_are_attribute_errors(self):
        self.assertRaises(AttributeError, getattr, async_api, 'nope')
        self.assertFalse(hasattr(async_api, '_EXPORTS_NOPE'))
