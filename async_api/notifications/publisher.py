"""Send one notification through the configured drivers; fail loudly.

oslo.messaging's ``Notifier`` never tells its caller that a send
failed: its ``messaging`` and ``messagingv2`` drivers log the failure
and return, and the notifier does the same for any driver's error. The
outbox must know, to keep what was not sent. So the bus drivers'
sending is done here as they do it, through the transport's
``_send_notification`` (private to oslo.messaging; checked by
``test_private_apis``), where a failure raises; a message of the same
form (``message_id``, ``publisher_id``, ``event_type``, ``priority``,
``payload``, ``timestamp``) goes to the same ``<topic>.<priority>``
queues of ``[oslo_messaging_notifications]topics``, in the envelope of
each driver's version. Every other driver (``log``, ``routing``, a
service's own) is used through a ``Notifier``, as usual.
"""

import oslo_messaging
from oslo_utils import timeutils
from oslo_utils import uuidutils

#: The bus drivers and the message format version each sends.
BUS_DRIVERS = {'messaging': 1.0, 'messagingv2': 2.0}


class Publisher:
    """Sends notifications with ``conf``'s drivers, topics and transport.

    :param conf: a ``ConfigOpts`` with ``[oslo_messaging_notifications]``
        registered.
    :param drivers: the driver names to use (``noop`` left out).
    """

    def __init__(self, conf, drivers):
        group = conf.oslo_messaging_notifications
        self.topics = list(group.topics)
        self.transport = oslo_messaging.get_notification_transport(conf)
        self.versions = sorted({BUS_DRIVERS[d] for d in drivers
                                if d in BUS_DRIVERS})
        # A Notifier takes one driver name.
        self.notifiers = [
            oslo_messaging.Notifier(self.transport, driver=driver,
                                    topics=self.topics)
            for driver in drivers if driver not in BUS_DRIVERS]

    def send(self, publisher_id, event_type, priority, payload):
        """Send one notification; raises if a bus did not take it.

        :param priority: ``info`` or ``error``.
        """
        for notifier in self.notifiers:
            notifier = notifier.prepare(publisher_id=publisher_id)
            getattr(notifier, priority)({}, event_type, payload)
        if not self.versions:
            return
        message = {'message_id': uuidutils.generate_uuid(),
                   'publisher_id': publisher_id,
                   'event_type': event_type,
                   'priority': priority.upper(),
                   'payload': payload,
                   'timestamp': str(timeutils.utcnow())}
        for version in self.versions:
            for topic in self.topics:
                target = oslo_messaging.Target(
                    topic='%s.%s' % (topic, priority))
                # No retry inside: the sender keeps the row and retries.
                self.transport._send_notification(
                    target, {}, message, version=version, retry=0)

    def cleanup(self):
        self.transport.cleanup()
