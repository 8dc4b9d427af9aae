"""TaskFlow's Redis jobboard, made fit for conductors that may die.

:func:`async_api.jobboard.factory.open_board` opens :class:`RedisBoard`
instead of TaskFlow's own class for ``[async_api_jobboard]backend =
redis``. TaskFlow's Redis board keeps a claim forever unless ``claim(...,
expiry=)`` is passed, and TaskFlow's conductors never pass it, so a
SIGKILLed conductor's job would stay claimed for good. Here a claim
without ``expiry`` lasts ``claim_expiry`` seconds (a ``PEXPIRE``d owner
key); the conductor's claim keeper renews it through
``RedisJob.extend_expiry`` while the flow runs. The client also retries
failed commands ``retry_attempts`` times with backoff.

ZooKeeper needs nothing of the kind: TaskFlow's claim there is an
ephemeral node that disappears with the owner's session (``claim_expiry``
is the session timeout), and the board already reports outages as
``JobFailure``.
"""

import redis
from redis import backoff as redis_backoff
from redis import retry as redis_retry
from taskflow.jobs.backends import impl_redis


class RedisBoard(impl_redis.RedisJobBoard):
    """TaskFlow's Redis board whose claims expire.

    Extra configuration keys: ``claim_expiry`` (seconds, default 30),
    ``retry_attempts`` and ``retry_delay`` (client retries).
    """

    def __init__(self, name, conf, client=None, persistence=None):
        self._claim_expiry = float(conf.get('claim_expiry', 30.0))
        if self._claim_expiry <= 0:
            raise ValueError('claim_expiry must be positive, not %s'
                             % self._claim_expiry)
        super().__init__(name, conf, client=client, persistence=persistence)

    @property
    def claim_expiry(self):
        """Seconds a claim made without ``expiry`` lasts."""
        return self._claim_expiry

    @classmethod
    def _make_client(cls, conf):
        client = super()._make_client(conf)
        attempts = int(conf.get('retry_attempts', 0))
        if attempts:
            delay = float(conf.get('retry_delay', 0.2)) or 0.01
            # Short outages (a failover, a restart) are absorbed here; a
            # longer one surfaces as JobFailure and conductors poll again.
            client.set_retry(redis_retry.Retry(
                redis_backoff.ExponentialBackoff(cap=delay * 8, base=delay),
                attempts,
                supported_errors=(redis.ConnectionError, redis.TimeoutError)))
        return client

    def claim(self, job, who, expiry=None):
        return super().claim(
            job, who, expiry=self._claim_expiry if expiry is None else expiry)
