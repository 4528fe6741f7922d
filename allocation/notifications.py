"""E-mails of the four-eyes workflow: who hears of a step that needs them or concerns them.

- consultation starts: every Träger representative of the Sozialraum's Kitas (whoever the
  plan rule lets comment on the plan now);
- a plan is laid before the Leitung, a reallocation is proposed: the Jugendamt-Leitung
  of the Jugendamt (whoever may decide it; the proposer of a reallocation cannot);
- a plan is decided, sent back or its decision taken back: who laid it before the
  Leitung; a reallocation is approved or rejected: who proposed it;
- the Jugendamt answers a comment: its author (issue 15), with a link to where they read
  it (the plan page, or a Kita leader's page of their Kita).

Nobody gets a mail about their own step. The services call these functions inside their
transaction; the messages are rendered there (German, absolute links built from
``settings.SRB_SITE_URL``) and handed to the outbox as rows of the same transaction
(``outbox.delivery.send_with_step``): a step that is rolled back sends nothing, a step
that commits cannot lose its mails, and a mail server or broker that fails only delays
them (the outbox retries).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from allocation import selectors
from allocation.models import AllocationPlan, Reallocation
from allocation.permissions import plan_policy, reallocation_policy
from outbox.delivery import send_with_step
from sozialraeume.accounts import jugendamt_sender_name, mail_recipients, mail_sender, site_url
from sozialraeume.models import User


def absolute_url(path: str) -> str:
    """``path`` on the configured site (``SRB_SITE_URL``, e.g. https://srb.example.de)."""
    return site_url(path)


def plan_url(plan: AllocationPlan) -> str:
    return absolute_url(reverse("allocation:plan_detail", args=[plan.pk]))


def reallocations_url(reallocation: Reallocation) -> str:
    year = reallocation.budget_year.year
    return absolute_url(f"{reverse('allocation:plan_list')}?jahr={year}#umverteilungen")


def _recipients(users: Iterable[User], acting_user: User | None) -> list[User]:
    return mail_recipients(users, acting_user)


def _send(template: str, subject: str, context: dict, recipients: list[User], acting_user) -> None:
    """One message per person (nobody sees the other addresses), into the outbox, in the
    name of the Jugendamt (From header and signature)."""
    if not recipients:
        return
    messages = []
    jugendamt = context["jugendamt"]
    with translation.override("de"):
        signature = jugendamt_sender_name(jugendamt)
        for user in recipients:
            body = render_to_string(
                f"allocation/mail/{template}.txt",
                {**context, "user": user, "acting_user": acting_user, "signature": signature},
            )
            messages.append(
                EmailMessage(
                    subject=subject,
                    body=body,
                    from_email=mail_sender(jugendamt),
                    to=[user.email],
                )
            )
    send_with_step(messages, what=f"allocation/{template}")


def _jugendamt_users(jugendamt_id) -> Iterable[User]:
    return User.objects.filter(jugendamt_id=jugendamt_id, is_active=True).exclude(email="")


def _plan_context(plan: AllocationPlan, **extra) -> dict:
    return {"plan": plan, "url": plan_url(plan), "jugendamt": plan.sozialraum.jugendamt, **extra}


def consultation_started(*, plan: AllocationPlan, acting_user: User) -> None:
    """To every Träger representative who may now read and comment the plan."""
    candidates = (
        User.objects.filter(is_active=True, traeger__kitas__sozialraum_id=plan.sozialraum_id)
        .exclude(email="")
        .distinct()
    )
    recipients = _recipients(
        (u for u in candidates if plan_policy.user_can(u, "comment", plan)), acting_user
    )
    with translation.override("de"):
        subject = _("Verteilungsplan %(plan)s: Abstimmung mit den Trägern") % {"plan": plan}
    earliest = selectors.consultation_earliest_submit(plan)
    context = _plan_context(plan, earliest=earliest)
    _send("consultation_started", subject, context, recipients, acting_user)
    # Issue 15: the Kita leaders of the Sozialraum read and comment their own Kita's lines,
    # each on the page of their Kita (never the plan page with the other Kitas).
    with translation.override("de"):
        kita_subject = _("Verteilungsplan %(plan)s: Zeilen Ihrer Kita zur Abstimmung") % {
            "plan": plan
        }
    for kita in plan.sozialraum.kitas.filter(active=True).order_by("name"):
        leaders = _recipients(
            (
                u
                for u in kita.leitungen.filter(is_active=True).exclude(email="")
                if plan_policy.user_can(u, "comment_as_kita", plan)
            ),
            acting_user,
        )
        url = absolute_url(reverse("allocation:kita_consultation", args=[plan.pk, kita.pk]))
        kita_context = _plan_context(plan, earliest=earliest, url=url, kita=kita)
        _send("consultation_started_kita", kita_subject, kita_context, leaders, acting_user)


def comment_added(*, comment, acting_user: User) -> None:
    """To the Jugendamt staff who prepare the plan: a Träger or a Kita leader commented
    (the last editor of the plan, else everyone who may edit it)."""
    plan = comment.plan
    if plan_policy.user_can(comment.author, "edit", plan):
        return  # staff's own notes need no mail
    editors = [plan.last_editor] if plan.last_editor_id else []
    if not editors:
        editors = [
            u for u in _jugendamt_users(plan.jugendamt_id) if plan_policy.user_can(u, "edit", plan)
        ]
    recipients = _recipients(
        (u for u in editors if plan_policy.user_can(u, "answer_comment", plan)), acting_user
    )
    with translation.override("de"):
        subject = _("Verteilungsplan %(plan)s: neuer Kommentar") % {"plan": plan}
    context = _plan_context(
        plan,
        comment=comment,
        url=absolute_url(reverse("allocation:plan_detail", args=[plan.pk]) + "#kommentare"),
    )
    _send("comment_added", subject, context, recipients, acting_user)


def plan_submitted(*, plan: AllocationPlan, acting_user: User, reason: str = "") -> None:
    """To the Jugendamt-Leitung: a plan waits for their decision."""
    recipients = _recipients(
        (
            u
            for u in _jugendamt_users(plan.jugendamt_id)
            if plan_policy.user_can(u, "approve", plan)
        ),
        acting_user,
    )
    with translation.override("de"):
        subject = _("Verteilungsplan %(plan)s: Beschlussvorlage zur Entscheidung") % {"plan": plan}
    _send("plan_submitted", subject, _plan_context(plan, reason=reason), recipients, acting_user)


def plan_decided(*, plan: AllocationPlan, acting_user: User, reason: str = "") -> None:
    """To who laid the plan before the Leitung: it is decided."""
    recipients = _recipients([plan.submitted_by], acting_user)
    with translation.override("de"):
        subject = _("Verteilungsplan %(plan)s: beschlossen") % {"plan": plan}
    _send("plan_decided", subject, _plan_context(plan, reason=reason), recipients, acting_user)


def plan_sent_back(
    *, plan: AllocationPlan, acting_user: User, reason: str, revoked: bool, submitted_by
) -> None:
    """To who laid the plan before the Leitung: it is back in Entwurf (sent back, or its
    decision taken back)."""
    recipients = _recipients([submitted_by], acting_user)
    with translation.override("de"):
        if revoked:
            subject = _("Verteilungsplan %(plan)s: Beschluss zurückgenommen") % {"plan": plan}
        else:
            subject = _("Verteilungsplan %(plan)s: zur Überarbeitung zurück") % {"plan": plan}
    context = _plan_context(plan, reason=reason, revoked=revoked)
    _send("plan_sent_back", subject, context, recipients, acting_user)


def _reallocation_context(reallocation: Reallocation) -> dict:
    return {
        "reallocation": reallocation,
        "url": reallocations_url(reallocation),
        "jugendamt": reallocation.budget_year.jugendamt,
    }


def reallocation_proposed(*, reallocation: Reallocation, acting_user: User) -> None:
    """To the Jugendamt-Leitung who may decide the proposal (not the proposer)."""
    jugendamt_id = reallocation.budget_year.jugendamt_id
    recipients = _recipients(
        (
            u
            for u in _jugendamt_users(jugendamt_id)
            if reallocation_policy.user_can(u, "decide", reallocation)
        ),
        acting_user,
    )
    with translation.override("de"):
        subject = _("Umverteilung %(year)s zur Entscheidung: %(from)s → %(to)s") % {
            "year": reallocation.budget_year,
            "from": reallocation.from_sozialraum,
            "to": reallocation.to_sozialraum,
        }
    _send(
        "reallocation_proposed",
        subject,
        _reallocation_context(reallocation),
        recipients,
        acting_user,
    )


def reallocation_decided(*, reallocation: Reallocation, acting_user: User) -> None:
    """To who proposed the reallocation: approved (money moved) or rejected."""
    recipients = _recipients([reallocation.created_by], acting_user)
    with translation.override("de"):
        subject = _("Umverteilung %(from)s → %(to)s: %(state)s") % {
            "from": reallocation.from_sozialraum,
            "to": reallocation.to_sozialraum,
            "state": reallocation.get_state_display(),
        }
    _send(
        "reallocation_decided",
        subject,
        _reallocation_context(reallocation),
        recipients,
        acting_user,
    )


# --- issue 15 (part D): the answer to a comment --------------------------------------


def comment_page_url(comment, user: User) -> str:
    """Where ``user`` reads ``comment`` and its answer: the plan page for whoever may see
    it (staff, Träger), else the Kita leader's consultation page of their Kita (the line's
    Kita, or their first Kita in the plan's Sozialraum)."""
    plan = comment.plan
    if plan_policy.user_can(user, "view", plan):
        return absolute_url(reverse("allocation:plan_detail", args=[plan.pk]) + "#kommentare")
    kita_id = comment.line.kita_id if comment.line_id else None
    if kita_id is None:
        kita_id = (
            user.kitas.filter(sozialraum_id=plan.sozialraum_id)
            .order_by("name")
            .values_list("pk", flat=True)
            .first()
        )
    if kita_id is None:
        return plan_url(plan)
    path = reverse("allocation:kita_consultation", args=[plan.pk, kita_id])
    return absolute_url(path + "#kommentare")


def comment_answered(*, answer, acting_user: User) -> None:
    """To the author of the comment the Jugendamt answered (not to the one who answered)."""
    comment = answer.reply_to
    recipients = _recipients([comment.author], acting_user)
    if not recipients:
        return
    plan = answer.plan
    with translation.override("de"):
        subject = _("Verteilungsplan %(plan)s: Antwort auf Ihren Kommentar") % {"plan": plan}
    context = {
        "plan": plan,
        "comment": comment,
        "answer": answer,
        "url": comment_page_url(comment, comment.author),
        "jugendamt": plan.sozialraum.jugendamt,
    }
    _send("comment_answered", subject, context, recipients, acting_user)
