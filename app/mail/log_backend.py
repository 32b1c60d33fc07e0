"""The mail backend without a mail server: each message is written to the log instead."""

import logging

from flask_mailman.backends.base import BaseEmailBackend

log = logging.getLogger("app.mail")


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            log.info("mail to %s: %s\n%s", ", ".join(message.to), message.subject, message.body)
        return len(email_messages)
