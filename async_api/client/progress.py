"""Showing a task's progress while a client waits for it.

:func:`progress_reporter` picks the form for the stream: on a terminal,
one line redrawn in place (a bar, the percent, the state and the current
step); anywhere else (a pipe, a log, a CI job), a plain line each time the
state, step or percent changes, so that nothing is lost to carriage
returns. Either is the ``progress`` callable of
:meth:`async_api.client.tasks.TaskClient.wait`.
"""

import sys

BAR_WIDTH = 24


def describe(task):
    """``running, step power-set-state, 50%``: where a task stands."""
    text = task['state']
    if task.get('step'):
        text += ', step %s' % task['step']
    return '%s, %d%%' % (text, task.get('progress') or 0)


class PlainProgress:
    """One line per change: ``Task <uuid> (<operation>): <where it is>``."""

    def __init__(self, stream):
        self.stream = stream
        self._last = None

    def __call__(self, task):
        seen = (task['state'], task.get('step'), task.get('progress'))
        if seen == self._last:
            return
        self._last = seen
        self.stream.write('Task %s (%s): %s\n' % (
            task['uuid'], task.get('operation'), describe(task)))
        self.stream.flush()

    def close(self):
        pass


class ProgressBar:
    """One line redrawn in place, ended by :meth:`close`."""

    def __init__(self, stream, width=BAR_WIDTH):
        self.stream = stream
        self.width = width
        self._drawn = 0

    def __call__(self, task):
        percent = max(0, min(100, task.get('progress') or 0))
        filled = self.width * percent // 100
        line = '%s [%s%s] %3d%% %s' % (
            task.get('operation') or 'task', '#' * filled,
            '-' * (self.width - filled), percent, task['state'])
        if task.get('step'):
            line += ': %s' % task['step']
        # Blank out what a longer earlier line left behind.
        self.stream.write('\r' + line.ljust(self._drawn))
        self.stream.flush()
        self._drawn = len(line)

    def close(self):
        if self._drawn:
            self.stream.write('\n')
            self.stream.flush()
            self._drawn = 0


def progress_reporter(stream=None):
    """A progress callable for ``stream`` (stderr by default).

    A :class:`ProgressBar` when the stream is a terminal, else
    :class:`PlainProgress`. Call its ``close()`` when the wait is over.
    """
    stream = stream or sys.stderr
    isatty = getattr(stream, 'isatty', None)
    if isatty is not None and isatty():
        return ProgressBar(stream)
    return PlainProgress(stream)
