"""The ``notification-samples`` directive: sample notifications as JSON.

Each sample is built by async_api's own payload code
(:mod:`async_api.notifications.samples`), so the documentation shows
exactly what is sent.
"""

import json

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from async_api.notifications import samples


class NotificationSamples(SphinxDirective):
    has_content = False

    def run(self):
        found = []
        for event_type, priority, description, message in samples.samples():
            section = nodes.section(ids=['sample-' + event_type.replace(
                '.', '-')])
            section += nodes.title(text=event_type)
            text = '%s Priority: %s.' % (description, priority)
            inline, messages = self.state.inline_text(text, self.lineno)
            section += nodes.paragraph('', '', *inline)
            section += messages
            body = json.dumps(message, indent=2, sort_keys=True)
            block = nodes.literal_block(body, body)
            block['language'] = 'json'
            section += block
            found.append(section)
        return found


def setup(app):
    app.add_directive('notification-samples', NotificationSamples)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
