"""Password checks, computed off the web process's event loop.

A check is about 0.4 s of CPU in C (PBKDF2, Django's default) that never yields to
gevent: twenty wrong passwords at once would hold every web worker for seconds, and
Slack's acknowledgements with them. hashlib releases Python's lock while it hashes,
so a native thread does the work and the loop keeps serving requests meanwhile.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from gopherbot.eventloop import off_loop


class OffLoopPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's default hasher (same algorithm name: existing hashes keep working)."""

    def encode(self, password, salt, iterations=None):
        return off_loop(super().encode, password, salt, iterations)
