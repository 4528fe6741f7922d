"""The network analysis of a round (issue 17). PURE: no Django (import-linter)."""
