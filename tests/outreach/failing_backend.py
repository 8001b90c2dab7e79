"""An email backend that refuses one address, as a mail server would."""

from smtplib import SMTPRecipientsRefused

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class EmailBackend(LocmemBackend):
    def send_messages(self, messages):
        for message in messages:
            if "fail@example.org" in message.to:
                raise SMTPRecipientsRefused({"fail@example.org": (550, b"refused")})
        return super().send_messages(messages)
