"""An oslo.messaging notification listener on the real broker."""

import threading

import fixtures
from oslo_config import cfg
import oslo_messaging


class _Endpoint:
    def __init__(self, received):
        self._received = received

    def _record(self, priority, ctxt, publisher_id, event_type, payload,
                metadata):
        self._received(dict(priority=priority, publisher_id=publisher_id,
                            event_type=event_type, payload=payload,
                            metadata=metadata))

    def info(self, *args):
        self._record('INFO', *args)

    def error(self, *args):
        self._record('ERROR', *args)


class Listener(fixtures.Fixture):
    """Collects every notification sent on ``topic`` of the broker ``url``.

    ``self.received`` lists them as dicts (``priority``,
    ``publisher_id``, ``event_type``, ``payload``, ``metadata``) in the
    order they arrived.
    """

    def __init__(self, url, topic):
        super().__init__()
        self.url = url
        self.topic = topic
        self.received = []
        self._lock = threading.Lock()

    def _received(self, notification):
        with self._lock:
            self.received.append(notification)

    def _setUp(self):
        conf = cfg.ConfigOpts()
        conf([], project='async_api_test_listener')
        transport = oslo_messaging.get_notification_transport(
            conf, url=self.url)
        self.addCleanup(transport.cleanup)
        listener = oslo_messaging.get_notification_listener(
            transport, [oslo_messaging.Target(topic=self.topic)],
            [_Endpoint(self._received)], executor='threading')
        listener.start()
        self.addCleanup(listener.wait)
        self.addCleanup(listener.stop)

    def of_task(self, task_uuid):
        """The task's notifications, in the order they were sent.

        INFO and ERROR notifications come through two queues, so the
        order they arrive in is not the order they were sent in across
        the two; the sender's timestamp (``metadata``) is.
        """
        with self._lock:
            found = [n for n in self.received
                     if n['payload']['async_api_object.data']['uuid']
                     == task_uuid]
        return sorted(found, key=lambda n: n['metadata']['timestamp'])
