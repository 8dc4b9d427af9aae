"""The options exported for the sample configuration."""

import subprocess
import sys
import textwrap

from oslo_config import cfg

from async_api.baremetal.conf import opts as service_opts
from async_api import conf as library_conf
from async_api.conf import opts as library_opts
from async_api.tests import base


class TestListOpts(base.TestCase):

    def test_every_option_has_help(self):
        for list_opts in (library_opts.list_opts, service_opts.list_opts):
            for group, options in list_opts():
                for opt in options:
                    self.assertTrue(opt.help, '%s.%s has no help text'
                                    % (group, opt.name))

    def test_every_library_group_is_listed_and_prefixed(self):
        conf = cfg.ConfigOpts()
        builtin = set(conf)  # oslo.config's own groups
        library_conf.register_opts(conf)
        listed = {group for group, _ in library_opts.list_opts()}
        self.assertEqual(set(conf) - builtin, listed)
        for group in listed:
            self.assertTrue(group.startswith('async_api_'), group)

    def test_library_options_compose_with_a_host_s_own(self):
        # A host that owns the usual groups (as Ironic does) registers
        # the library's options beside them without a clash.
        conf = cfg.ConfigOpts()
        conf.register_opts([cfg.StrOpt('host'), cfg.StrOpt('state_path')])
        conf.register_opts([cfg.IntOpt('workers'), cfg.StrOpt('engine')],
                           group='conductor')
        conf.register_opts([cfg.StrOpt('host_ip'), cfg.PortOpt('port'),
                            cfg.IntOpt('max_limit')], group='api')
        library_conf.register_opts(conf)
        library_conf.register_opts(conf)  # again: harmless
        conf([], default_config_files=[])
        self.assertEqual(128, conf.async_api_conductor.workers)
        self.assertIsNone(conf.conductor.workers)

    def test_importing_any_module_registers_nothing(self):
        # In a fresh interpreter: this one's CONF was set up by the tests.
        # The WSGI entry module is left out: configuring the service when
        # a WSGI server loads it is its one job.
        script = textwrap.dedent('''
            import pkgutil, importlib
            import async_api, flows
            from oslo_config import cfg
            for package in (async_api, flows):
                for info in pkgutil.walk_packages(package.__path__,
                                                  package.__name__ + '.'):
                    if not ('.tests' in info.name
                            or '.migrations' in info.name
                            or info.name.endswith('.wsgi')):
                        importlib.import_module(info.name)
            from async_api.baremetal.conf import opts as service
            from async_api.conf import opts as library
            ours = set()
            for group, options in library.list_opts() + service.list_opts():
                ours.update((group, opt.name) for opt in options)
            found = {(group, name) for group in list(cfg.CONF._groups)
                     for name in cfg.CONF[group]}
            found |= {('DEFAULT', name) for name in cfg.CONF._opts}
            print(sorted(ours & found), len(ours))
        ''')
        out = subprocess.run([sys.executable, '-c', script], check=True,
                             capture_output=True, text=True).stdout
        registered, known = out.strip().rsplit(' ', 1)
        self.assertEqual('[]', registered)
        self.assertGreater(int(known), 20)  # the check saw our options
