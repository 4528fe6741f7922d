"""Demo data of knowledge (issue 17): filled in by its part."""


def seed(stdout=None):
    return 0
