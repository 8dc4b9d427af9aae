"""etc/async-api/policy.yaml.sample is what ``tox -e genpolicy`` writes."""

import os

from oslo_config import cfg
from oslo_policy import generator

from async_api.tests import base

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))
GENERATOR_CONF = os.path.join(ROOT, 'etc', 'async-api',
                              'async-api-policy-generator.conf')
SAMPLE = os.path.join(ROOT, 'etc', 'async-api', 'policy.yaml.sample')


class TestPolicySample(base.TestCase):

    def test_sample_is_current(self):
        # The rules come from the oslo.policy.policies entry points, as
        # the command finds them.
        output = os.path.join(self.state_path, 'policy.yaml.sample')
        generator.generate_sample(
            ['--config-file', GENERATOR_CONF, '--output-file', output],
            conf=cfg.ConfigOpts())
        with open(output) as f, open(SAMPLE) as g:
            self.assertEqual(g.read(), f.read(),
                             'run tox -e genpolicy and commit the sample')
