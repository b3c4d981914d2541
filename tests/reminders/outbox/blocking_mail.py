"""An email backend for a worker process under test: it notes each message it is given in a
file, and blocks on the N-th — the provider call in flight when the worker is killed."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, messages) -> int:
        path = os.environ["KAPITTX_TEST_MAIL_LOG"]
        block_at = int(os.environ.get("KAPITTX_TEST_BLOCK_AT", "0"))
        for message in messages:
            with open(path) as log:
                seen = sum(1 for _ in log)
            calling = seen + 1 == block_at
            with open(path, "a") as log:
                log.write(f"{'calling' if calling else 'sent'} {message.to[0]}\n")
                log.flush()
                os.fsync(log.fileno())
            if calling:
                time.sleep(600)
        return len(messages)
