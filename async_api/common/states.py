"""Task states and step-event states.

::

    queued ──> pending ──> running ──> succeeded
       │          │           │
       │          │           └──> reverting ──> failed     (reverted)
       │          │                     └──────> error      (revert failed)
       └──────────┴──> cancelled   (also from running, after its revert)
"""

QUEUED = 'queued'
PENDING = 'pending'
RUNNING = 'running'
REVERTING = 'reverting'
SUCCEEDED = 'succeeded'
FAILED = 'failed'
CANCELLED = 'cancelled'
ERROR = 'error'

ALL = (QUEUED, PENDING, RUNNING, REVERTING, SUCCEEDED, FAILED, CANCELLED,
       ERROR)
TERMINAL = frozenset((SUCCEEDED, FAILED, CANCELLED, ERROR))
ACTIVE = frozenset(ALL) - TERMINAL

# Step (event) states.
STEP_STARTED = 'started'
STEP_SUCCEEDED = 'succeeded'
STEP_FAILED = 'failed'
STEP_REVERTING = 'reverting'
STEP_REVERTED = 'reverted'
STEP_RETRYING = 'retrying'
