#!/usr/bin/env python3
"""Cost of a policy check, as the API pays it on every request.

Builds the library's enforcer with the bare-metal rules (defaults, no
policy file) and times, for a project member, a project reader and an
admin: ``async_api.policy.project_scope`` (every look-up and list) and
``async_api.policy.check`` of a task rule and a node rule (every
request). Prints the median microseconds per call of a few rounds. Run
from the repository root::

    python tools/benchmarks/policy_checks.py [--calls 2000] [--rounds 5]
"""

import argparse
import statistics
import time

from oslo_config import cfg
from oslo_context import context

from async_api.api import policy
from async_api.baremetal.api import policy as node_policy

CALLERS = {
    'member': dict(project_id='p1', roles=['member', 'reader']),
    'reader': dict(project_id='p1', roles=['reader']),
    'admin': dict(system_scope='all', roles=['admin', 'member', 'reader']),
}


def _per_call(function, calls):
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--calls', type=int, default=2000)
    parser.add_argument('--rounds', type=int, default=5)
    args = parser.parse_args()
    conf = cfg.ConfigOpts()
    conf([], project='async_api', default_config_files=[])
    node_policy.register()
    target = policy.target('p1')
    print('%-8s %-32s %10s' % ('caller', 'call', 'us/call'))
    for name, values in CALLERS.items():
        ctx = context.RequestContext(**values)
        for label, function in (
                ('project_scope', lambda: policy.project_scope(ctx, conf)),
                (policy.TASK_GET, lambda: policy.check(
                    policy.TASK_GET, target, ctx, conf)),
                (node_policy.NODE_SET_POWER_STATE, lambda: policy.check(
                    node_policy.NODE_SET_POWER_STATE, target, ctx, conf))):
            function()  # the enforcer and its rules are loaded once
            median = statistics.median(
                _per_call(function, args.calls) for _ in range(args.rounds))
            print('%-8s %-32s %10.1f' % (name, label, median))


if __name__ == '__main__':
    main()
