#!/usr/bin/env python3
"""Accepts of two checkouts, served at once and loaded in turns.

On a shared machine the rate of one run moves by a third from one
minute to the next, which hides a change of a few percent between two
runs of ``accept.py``. Here both revisions serve at once (the same
deployment, each on its own fresh SQLite file) and the same client load
goes to one, then the other, in short bursts, alternating which goes
first: a slow spell hits both alike, and each burst pair gives a ratio.

Run from the repository root, with the other revision checked out
elsewhere (``git worktree add /tmp/before HEAD~3``)::

    python tools/benchmarks/accept_pair.py /tmp/before
        [--clients 32] [--bursts 8] [--seconds 1.5] [--kind api]

Printed: each side's median requests/s, CPU ms per request (its
processes, from /proc), p50 and p99, then this checkout's over the
other's, burst pair by burst pair, and their median. The nodes are made
with this checkout's code in both databases.
"""

import argparse
import contextlib
import os
import statistics
import sys

import accept
import scratch

HEADERS = {'Content-Type': 'application/json'}


def serve(kind, checkout, nodes, stack):
    """(process, port, paths) of ``checkout`` served until ``stack`` ends."""
    directory = stack.enter_context(scratch.directory('accept-pair-'))
    process, port = accept.start(kind, directory, {'workers': 1}, [],
                                 checkout=checkout)
    # Stopped before its directory goes (the stack unwinds in reverse).
    stack.callback(stop, process)
    paths = ['/v1/nodes/%s/states/power' % node
             for node in accept.make_nodes(directory, nodes)]
    return process, port, paths


def stop(process):
    process.terminate()
    process.wait(60)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('other', help='checkout of the other revision')
    parser.add_argument('--clients', type=int, default=32)
    parser.add_argument('--bursts', type=int, default=8)
    parser.add_argument('--seconds', type=float, default=1.5)
    parser.add_argument('--kind', choices=('api', 'all'), default='api')
    parser.add_argument('--nodes', type=int, default=6000,
                        help='fresh nodes per side (default 6000)')
    args = parser.parse_args()
    here = os.path.abspath(os.path.join(os.path.dirname(__file__), '..',
                                        '..'))
    with contextlib.ExitStack() as stack:
        sides = {'other': serve(args.kind, os.path.abspath(args.other),
                                args.nodes, stack),
                 'this': serve(args.kind, here, args.nodes, stack)}
        figures = burst_pairs(sides, args)
    show(figures, args)


def burst_pairs(sides, args):
    """Each side's (req/s, CPU ms, p50, p99) per burst."""
    figures = {name: [] for name in sides}
    for process, port, paths in sides.values():
        accept.run(port, args.clients, 1, paths, HEADERS)  # Warm up.
    for burst in range(args.bursts):
        order = ('other', 'this') if burst % 2 == 0 else ('this', 'other')
        for name in order:
            process, port, paths = sides[name]
            latencies, rate, cpu = accept.timed_run(
                process.pid, port, args.clients, args.seconds, paths,
                HEADERS)
            if not latencies:
                raise SystemExit('accept_pair.py: out of fresh nodes; '
                                 'raise --nodes')
            figures[name].append(
                (rate, cpu, accept.percentile(latencies, 0.5),
                 accept.percentile(latencies, 0.99)))
    return figures


def show(figures, args):
    print('\n%s, %d clients, %d bursts of %.1f s per side'
          % (args.kind, args.clients, args.bursts, args.seconds))
    print('%-6s %8s %8s %8s %8s'
          % ('side', 'req/s', 'CPU ms', 'p50 ms', 'p99 ms'))
    for name in ('other', 'this'):
        rows = figures[name]
        print('%-6s %8.0f %8.2f %8.1f %8.1f' % (
            name, *(statistics.median(row[i] for row in rows)
                    for i in range(4))))
    for label, index in (('req/s', 0), ('CPU ms/req', 1)):
        ratios = [this[index] / other[index] for other, this in
                  zip(figures['other'], figures['this'])]
        print('this / other %s: median %.3f (%s)' % (
            label, statistics.median(ratios),
            ' '.join('%.2f' % ratio for ratio in ratios)))


if __name__ == '__main__':
    sys.exit(main())
