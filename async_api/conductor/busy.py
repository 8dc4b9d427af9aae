"""How many runs of a conductor service keep its interpreter busy at once.

The workers of a service share one process, hence one interpreter lock:
at most one thread runs Python at a time. Runs that both compute (the
engine, the reports, a quick step) do not finish sooner side by side;
they hand the lock back and forth at every database call, and each hand-
off is a context switch. On two cores, with the fake driver and 8
waiting clients, 128 workers spent 23 % more CPU a task than one; with
this bound the 128 spend 0.87-0.89 x what they did without it
(doc/source/admin/benchmarks.rst, "A thirteenth round").

So a worker takes a turn (:meth:`BusyRuns.take`) before it claims a job,
and at most ``[async_api_conductor]busy_runs`` turns are out at once.
Two things keep the bound from holding up work that could go on:

* a run whose step has not returned within one interpreter switch
  interval (:func:`sys.getswitchinterval`, 5 ms) is waiting, on hardware
  most often: its turn goes back (:meth:`Turn.give_back`) and another
  worker claims the next job. The run goes on without one; with 1 s BMC
  calls a service still runs as many actions at once as it has workers.
* a backlog: while a worker's listing of claimable jobs holds
  :attr:`BusyRuns.BACKLOG` or more, the conductors are falling behind and
  the bound is lifted, as before it existed. An API in the same process
  that keeps accepting (``async-api-all`` under load) then does not take
  the interpreter from the runs.

A worker takes its turn once it has listed a job to claim, not while it
waits for one, and gives it back when the run ends. An API served in the
same process may take the same turns for the requests that submit
(:attr:`async_api.ConductorService.turns`): its accepts and the runs
then compute one at a time too, and a request that waits for its task
(``Prefer: wait``) gives its turn back before it waits
(:data:`async_api.PREFER_BEFORE_WAIT`).
"""

import threading


class Turn:
    """A turn to compute (a worker's run, or an accept); given back once."""

    __slots__ = ('_runs', 'returned')

    def __init__(self, runs):
        self._runs = runs
        #: Given back already: later calls of give_back() do nothing.
        self.returned = False

    def give_back(self):
        """Let another worker or accept compute (this one waits, or is
        over)."""
        self._runs._give_back(self)


class BusyRuns:
    """The turns of one service's workers.

    :param limit: turns out at once; 0 for no bound.
    """

    #: Claimable jobs in one listing that lift the bound (the SQL board
    #: lists at most its ``wait_limit``, 16 by default).
    BACKLOG = 16

    def __init__(self, limit):
        self.limit = limit
        self._out = 0
        self._lifted = False
        self._cond = threading.Condition(threading.Lock())

    def take(self, stopped):
        """A turn, once one is free; None once ``stopped()`` is true.

        :meth:`interrupt` wakes a worker waiting here to look again.
        """
        with self._cond:
            while (self.limit and self._out >= self.limit
                   and not self._lifted):
                if stopped():
                    return None
                self._cond.wait()
            self._out += 1
        return Turn(self)

    def saw_backlog(self, claimable):
        """A worker listed ``claimable`` jobs it may claim."""
        lifted = claimable >= self.BACKLOG
        if lifted == self._lifted:
            return
        with self._cond:
            self._lifted = lifted
            if lifted:
                self._cond.notify_all()

    def interrupt(self):
        """Wake every worker waiting for a turn (the service stops)."""
        with self._cond:
            self._cond.notify_all()

    def _give_back(self, turn):
        with self._cond:
            if turn.returned:
                return
            turn.returned = True
            self._out -= 1
            if self._out < self.limit:
                self._cond.notify()
