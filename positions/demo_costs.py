"""Demo data (issue 16): filled in by its owner."""


def seed(stdout=None):
    """Nothing yet."""
