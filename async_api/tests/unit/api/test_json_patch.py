"""RFC 6902 JSON patch, and the masking of secrets."""

import testtools

from async_api.baremetal.api import json_patch
from async_api.common import masking
from async_api.common import exception


class TestJsonPatch(testtools.TestCase):

    def test_operations(self):
        document = {'a': {'b': [1, 2]}, 'c/d': 1, 'e~f': 2, 'g': True}
        patched = json_patch.apply(document, [
            {'op': 'add', 'path': '/a/b/0', 'value': 0},
            {'op': 'add', 'path': '/a/b/-', 'value': 3},
            {'op': 'replace', 'path': '/c~1d', 'value': 5},
            {'op': 'remove', 'path': '/e~0f'},
            {'op': 'test', 'path': '/g', 'value': True},
            {'op': 'remove', 'path': '/a/b/1'},
        ])
        self.assertEqual({'a': {'b': [0, 2, 3]}, 'c/d': 5, 'g': True},
                         patched)
        # The original is untouched.
        self.assertEqual([1, 2], document['a']['b'])

    def test_invalid(self):
        document = {'a': {'b': [1]}, 'n': 1}
        for operation in (
                {'op': 'test', 'path': '/n', 'value': True},
                {'op': 'test', 'path': '/n', 'value': 2},
                {'op': 'replace', 'path': '/missing', 'value': 1},
                {'op': 'remove', 'path': '/a/b/1'},
                {'op': 'add', 'path': '/a/b/2', 'value': 1},
                {'op': 'add', 'path': '/a/b/01', 'value': 1},
                {'op': 'add', 'path': '/a/x/y', 'value': 1},
                {'op': 'add', 'path': '/n/x', 'value': 1},
                {'op': 'add', 'path': '', 'value': 1},
                {'op': 'add', 'path': '/a'},
                {'op': 'move', 'path': '/a', 'from': '/n'},
                {'path': '/a'}):
            self.assertRaises(exception.InvalidParameter, json_patch.apply,
                              document, [operation])


class TestMasking(testtools.TestCase):

    def test_mask(self):
        value = {'Password': 'p', 'ipmi_username': 'u', 'auth_token': 't',
                 'SecretThing': 's', 'ssh_key': 'k', 'pin': 1,
                 'list': [{'api_key': 'k', 'port': 1}]}
        self.assertEqual({'Password': '******', 'ipmi_username': 'u',
                          'auth_token': '******', 'SecretThing': '******',
                          'ssh_key': '******', 'pin': '******',
                          'list': [{'api_key': '******', 'port': 1}]},
                         masking.mask(value, frozenset(['pin'])))
        self.assertEqual('p', value['Password'])

    def test_more_secret_key_names(self):
        value = {'ipmi_pass': 'a', 'bmc_pwd': 'b', 'private_data': 'c',
                 'credentials': {'x': 1}, 'ipmi_address': '10.0.0.1'}
        self.assertEqual({'ipmi_pass': '******', 'bmc_pwd': '******',
                          'private_data': '******', 'credentials': '******',
                          'ipmi_address': '10.0.0.1'}, masking.mask(value))

    def test_url_credentials_in_any_string(self):
        value = {'redfish_address': 'http://admin:s3cret@bmc.example/redfish',
                 'note': 'see https://u:p@h/x and ftp://h/no-creds'}
        self.assertEqual(
            {'redfish_address': 'http://admin:******@bmc.example/redfish',
             'note': 'see https://u:******@h/x and ftp://h/no-creds'},
            masking.mask(value))
        self.assertEqual('failed: password=******',
                         masking.mask_text('failed: password=hunter2'))
        self.assertIsNone(masking.mask_text(None))

    def test_secret_paths(self):
        self.assertTrue(masking.is_secret_path(
            ['driver_info', 'ipmi_password']))
        self.assertTrue(masking.is_secret_path(['extra', 'tokens', '0']))
        self.assertFalse(masking.is_secret_path(['driver_info', 'address']))
