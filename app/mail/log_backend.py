"""The mail backend without a mail server: each message is written to the log instead."""

import logging

from flask import current_app
from flask_mailman.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        # Under the application's logger, whose handler Flask sets up, at a level that shows: without
        # a mail server, the log is where an operator finds a confirmation or reset link.
        log = current_app.logger.getChild("mail")
        log.setLevel(logging.INFO)
        for message in email_messages:
            log.info("mail to %s: %s\n%s", ", ".join(message.to), message.subject, message.body)
        return len(email_messages)
