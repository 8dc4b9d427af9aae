"""How a waiting client shows a task's progress."""

import io

import testtools

from async_api.client import progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def task(state, step=None, percent=0):
    return {'uuid': 'u1', 'operation': 'node.set_power_state',
            'state': state, 'step': step, 'progress': percent}


class TestProgress(testtools.TestCase):

    def test_a_terminal_gets_a_bar_redrawn_in_place(self):
        stream = Terminal()
        bar = progress.progress_reporter(stream)
        self.assertIsInstance(bar, progress.ProgressBar)
        bar(task('running', 'power-set-state-and-more', 50))
        bar(task('succeeded', 'verify', 100))
        bar.close()
        frames = stream.getvalue().split('\r')[1:]
        self.assertEqual(
            'node.set_power_state [############------------]  50% '
            'running: power-set-state-and-more', frames[0])
        # The shorter last frame blanks what the longer one left.
        self.assertEqual(len(frames[0]) + 1, len(frames[1]))
        self.assertTrue(frames[1].startswith(
            'node.set_power_state [########################] 100% '
            'succeeded: verify  '))
        self.assertTrue(frames[1].endswith('\n'))

    def test_elsewhere_one_plain_line_per_change(self):
        stream = io.StringIO()
        lines = progress.progress_reporter(stream)
        self.assertIsInstance(lines, progress.PlainProgress)
        for state in (task('pending'), task('running', 'a', 10),
                      task('running', 'a', 10), task('failed', 'a', 10)):
            lines(state)
        lines.close()
        self.assertEqual(
            'Task u1 (node.set_power_state): pending, 0%\n'
            'Task u1 (node.set_power_state): running, step a, 10%\n'
            'Task u1 (node.set_power_state): failed, step a, 10%\n',
            stream.getvalue())
