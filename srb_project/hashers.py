"""A cheap Argon2 parameterisation for the test suite only.

Same algorithm and hash format as production (``argon2$...``), so tests still
prove that passwords are stored with Argon2, but without 100 MiB of memory per hash.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
