"""Write side of the allocation, one module per aggregate (HackSoft styleguide, "Modules"):

- ``budget_years``: the state's allocation, step 1 (Sozialraum shares), all plans of a year
- ``plans``: one plan, the rule's proposal, comments
- ``lines``: allocation lines (with optimistic locking)
- ``workflow``: the plan's steps, gated by the state machine on ``AllocationPlan``
- ``reallocations``: unspent state funds moved between Sozialräume
- ``common``: value checks, ``ConflictError``, the plan lock

Every service is keyword-only, typed, asks the permission policy, runs in one
transaction and writes its audit event(s) in it. Business refusals raise
``ValidationError`` (German message); missing rights raise ``PermissionDenied``.
Import from the submodule.
"""
