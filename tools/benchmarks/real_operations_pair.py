#!/usr/bin/env python3
"""Power actions on two checkouts, served at once and driven in turns.

On a shared machine two runs of ``real_operations.py`` a minute apart
differ by a sixth in CPU per task, more than most single changes save.
Here both revisions run ``async-api-all`` at once (each on its own fresh
SQLite file, with the same number of fake nodes) and batches of power
actions, one per node, go to one, then the other, alternating which goes
first; the batches power the nodes on, then off, in turns, so that every
action acts. A slow spell hits both sides alike, and each pair of
batches gives a ratio.

Run from the repository root, with the other revision checked out
elsewhere (``git worktree add /tmp/before HEAD~3``)::

    python tools/benchmarks/real_operations_pair.py /tmp/before \\
        [--nodes 100] [--pairs 10] [--clients 8] [--learn list|wait]

Printed: each side's median CPU ms per task (the service process, from
/proc, accepts included) and tasks/s, then this checkout's over the
other's, pair by pair, and their median.
"""

import argparse
import contextlib
import os
import statistics
import sys

import real_operations
import scratch

TARGETS = ({'target': 'on'}, {'target': 'off'})


def serve(checkout, args, stack):
    """A started service of ``checkout`` and its prepared nodes."""
    directory = stack.enter_context(scratch.directory('real-pair-'))
    service = real_operations.Service(directory, args.workers,
                                      checkout=checkout)
    # Stopped before its directory goes (the stack unwinds in reverse).
    stack.callback(service.stop)
    return service, real_operations.prepare_nodes(service, args)


def batch_pairs(sides, args):
    """Each side's figures, batch by batch."""
    figures = {name: [] for name in sides}
    for index in range(args.pairs):
        order = ('other', 'this') if index % 2 == 0 else ('this', 'other')
        for name in order:
            service, nodes = sides[name]
            figures[name].append(real_operations.run_batch(
                service, nodes, args, body=TARGETS[index % 2]))
    return figures


def show(figures, args):
    print('\npower, %d nodes, %d clients learning by %s, %d batch pairs'
          % (args.nodes, args.clients,
             'waiting' if args.learn == 'wait' else 'listing', args.pairs))
    print('%-6s %12s %10s' % ('side', 'CPU ms/task', 'tasks/s'))
    for name in ('other', 'this'):
        rows = figures[name]
        print('%-6s %12.2f %10.1f' % (
            name, statistics.median(row['CPU ms/task'] for row in rows),
            statistics.median(row['tasks/s'] for row in rows)))
    for key in ('CPU ms/task', 'tasks/s'):
        ratios = [this[key] / other[key] for other, this in
                  zip(figures['other'], figures['this'])]
        print('this / other %s: median %.3f (%s)' % (
            key, statistics.median(ratios),
            ' '.join('%.2f' % ratio for ratio in ratios)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('other', help='checkout of the other revision')
    parser.add_argument('--nodes', type=int, default=100)
    parser.add_argument('--pairs', type=int, default=10)
    parser.add_argument('--clients', type=int, default=8)
    parser.add_argument('--learn', choices=('list', 'wait'),
                        default='list')
    parser.add_argument('--workers', type=int, default=0,
                        help='[async_api_conductor]workers (default: the '
                             'service\'s own default)')
    args = parser.parse_args()
    # What real_operations' helpers read besides these.
    args.operation, args.bmc_delay, args.fresh_nodes = 'power', 0.0, False
    args.poll, args.max_writes = 0.2, 0
    real_operations.ARGS = args
    with contextlib.ExitStack() as stack:
        sides = {'other': serve(os.path.abspath(args.other), args, stack),
                 'this': serve(real_operations.ROOT, args, stack)}
        figures = batch_pairs(sides, args)
    show(figures, args)


if __name__ == '__main__':
    sys.exit(main())
