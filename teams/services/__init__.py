"""Writes of the Sozialraum-Teams, by aggregate: ``teams`` (teams and members),
``meetings`` (meetings, invitations, attendance, minutes, tasks, documents); part B adds
``release`` and ``reviews``. Every service is keyword-only, takes ``acting_user``, asks the
policy, and records its audit event in its own transaction."""
