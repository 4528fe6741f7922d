"""Demo data (issue 15): filled in by its owner."""


def seed(stdout=None):
    """Nothing yet."""
