"""Pages of the questionnaire: Kita leaders fill in, Jugendamt staff follow and review.

Everything a user may not see gives 404, for GET and POST alike.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit import selectors as audit_selectors
from audit.permissions import audit_policy
from sozialraeume.models import Jugendamt, Kita
from sozialraeume.permissions import kita_policy
from sozialraeume.selectors import jugendamt_id_for_user
from srb_project.numbers import localized_plain
from srb_project.spreadsheet import safe_filename
from surveys import exchange, selectors, services
from surveys.forms import (
    ImportForm,
    PartnersForm,
    QuestionnaireForm,
    ReopenForm,
    ReviewForm,
    RoundCreateForm,
    SubmitForm,
)
from surveys.instrument import SECTIONS
from surveys.models import Response, SurveyRound
from surveys.permissions import response_policy, round_policy
from surveys.presentation import answer_rows
from surveys.validation import check_answers

# --- Kita leaders ------------------------------------------------------------------


def _led_kita(user, kita_id) -> Kita:
    """A Kita whose questionnaire the user fills in; 404 for any other."""
    return get_object_or_404(selectors.led_kitas(user), pk=kita_id)


def _open_round(kita, code) -> SurveyRound:
    return get_object_or_404(
        SurveyRound.objects.select_related("instrument"),
        jugendamt_id=kita.sozialraum.jugendamt_id,
        code=code,
        state=SurveyRound.State.OFFEN,
    )


@login_required
def kita_overview(request):
    """The Kita leader's Kitas, the open round(s) and the status of each questionnaire."""
    if not kita_policy.user_can(request.user, "fill_questionnaire"):
        raise PermissionDenied
    kitas = list(selectors.led_kitas(request.user))
    rounds = list(selectors.open_rounds_for_kitas([k.pk for k in kitas]))
    responses = {
        (r.round_id, r.kita_id): r
        for r in Response.objects.filter(round__in=rounds, kita__in=kitas).only(
            "round_id", "kita_id", "status", "updated_at", "submitted_at"
        )
    }
    blocks = []
    for survey_round in rounds:
        rows = []
        for kita in kitas:
            if kita.sozialraum.jugendamt_id != survey_round.jugendamt_id:
                continue
            response = responses.get((survey_round.pk, kita.pk))
            rows.append(
                {
                    "kita": kita,
                    "response": response,
                    "status": selectors.response_status_key(response),
                }
            )
        blocks.append({"round": survey_round, "rows": rows})
    return render(request, "surveys/kita_overview.html", {"blocks": blocks, "kitas": kitas})


def _summary_context(survey_round, kita, response):
    return {
        "round": survey_round,
        "kita": kita,
        "response": response,
        "sections": answer_rows(survey_round, response.answers if response else {}),
    }


def _form_url(survey_round, kita) -> str:
    return reverse("surveys:form", kwargs={"code": survey_round.code, "kita_id": kita.pk})


def _stored_check(survey_round, response, *, complete: bool):
    """The findings of the stored draft (none stored yet: an empty one)."""
    return check_answers(
        response.answers if response is not None else {},
        complete=complete,
        items=survey_round.instrument.items,
        partners=survey_round.partner_list,
    )


def _questionnaire_page(request, *, survey_round, kita, response, form, status=200):
    """The questionnaire with "Noch zu klären" (the stored draft's problems and the values
    that could not be stored) and the autosave hooks."""
    if not form.problems:
        # From the confirmation page's links (``?vollstaendig=1``): the missing answers too.
        complete = request.GET.get("vollstaendig") == "1"
        form.show_problems(_stored_check(survey_round, response, complete=complete).problems)
    interval = getattr(settings, "SRB_AUTOSAVE_INTERVAL_MS", 30_000)
    return render(
        request,
        "surveys/questionnaire.html",
        {
            "form": form,
            "round": survey_round,
            "kita": kita,
            "response": response,
            "sections": SECTIONS,
            "findings": form.findings(),
            "focus_findings": form.is_bound and bool(form.errors),
            "autosave_url": reverse(
                "surveys:autosave", kwargs={"code": survey_round.code, "kita_id": kita.pk}
            ),
            "autosave_interval": interval,
            "check_url": reverse(
                "surveys:check", kwargs={"code": survey_round.code, "kita_id": kita.pk}
            ),
        },
        status=status,
    )


def _submitted_page(request, survey_round, kita, response, *, post: bool):
    status = 200
    if post:
        messages.error(request, str(services.AlreadySubmittedError()))
        status = 409
    return render(
        request,
        "surveys/summary.html",
        _summary_context(survey_round, kita, response),
        status=status,
    )


@login_required
def questionnaire(request, code, kita_id):
    """The questionnaire of one Kita in one open round: the draft (always saved, with what
    is still to fix), the way to the confirmation page, the read-only summary once
    submitted."""
    kita = _led_kita(request.user, kita_id)
    survey_round = _open_round(kita, code)
    response = Response.objects.filter(round=survey_round, kita=kita).first()

    if response is not None and response.is_submitted:
        return _submitted_page(request, survey_round, kita, response, post=request.method == "POST")
    if request.method != "POST":
        form = QuestionnaireForm(survey_round=survey_round, response=response)
        return _questionnaire_page(
            request, survey_round=survey_round, kita=kita, response=response, form=form
        )

    # "submit" is what the page posted before the confirmation step: it leads there too.
    to_check = request.POST.get("action", "save") in ("check", "submit")
    form = QuestionnaireForm(request.POST, survey_round=survey_round, response=response)
    form.is_valid()
    if not form.savable:
        messages.error(
            request, _("Die Seite ist veraltet oder unvollständig; bitte laden Sie sie neu.")
        )
        return _questionnaire_page(
            request, survey_round=survey_round, kita=kita, response=response, form=form, status=400
        )
    try:
        saved = services.response_save_draft(
            survey_round=survey_round,
            kita=kita,
            answers=form.answers,
            version=form.cleaned_data["version"],
            acting_user=request.user,
        )
    except services.AlreadySubmittedError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:form", code=code, kita_id=kita.pk)
    except services.StaleVersionError as exc:
        messages.error(request, str(exc))
        return _questionnaire_page(
            request, survey_round=survey_round, kita=kita, response=response, form=form, status=409
        )
    if form.errors:
        # Saved, but some typed values cannot be stored: they stay in their fields (the
        # page now carries the saved version, so the next save is not stale).
        data = request.POST.copy()
        data["version"] = str(saved.version)
        form = QuestionnaireForm(data, survey_round=survey_round, response=saved)
        form.is_valid()
        messages.warning(
            request,
            _(
                "Der Entwurf ist gespeichert – bis auf die markierten Angaben: Sie können so "
                "nicht gespeichert werden. Bitte korrigieren Sie sie."
            ),
        )
        return _questionnaire_page(
            request, survey_round=survey_round, kita=kita, response=saved, form=form, status=400
        )
    if to_check:
        return redirect("surveys:check", code=code, kita_id=kita.pk)
    problems = len(_stored_check(survey_round, saved, complete=False).problems)
    if problems:
        messages.success(
            request,
            ngettext(
                "Der Entwurf ist gespeichert. Eine Angabe ist noch zu klären (siehe „Noch zu "
                "klären“).",
                "Der Entwurf ist gespeichert. %(count)d Angaben sind noch zu klären (siehe "
                "„Noch zu klären“).",
                problems,
            )
            % {"count": problems},
        )
    else:
        messages.success(request, _("Der Entwurf ist gespeichert. Sie können später weitermachen."))
    return redirect("surveys:form", code=code, kita_id=kita.pk)


@login_required
@require_POST
def questionnaire_autosave(request, code, kita_id):
    """The page's autosave (static/surveys/questionnaire.js): the same draft save as the
    button, answered in JSON. CSRF as every POST; the version as the page's save (a page
    saved elsewhere in the meantime is stale: 409, nothing saved); never a submitted
    questionnaire (409)."""
    kita = _led_kita(request.user, kita_id)
    survey_round = _open_round(kita, code)
    response = Response.objects.filter(round=survey_round, kita=kita).first()
    if response is not None and response.is_submitted:
        return JsonResponse(
            {"saved": False, "stop": True, "message": str(services.AlreadySubmittedError())},
            status=409,
        )
    form = QuestionnaireForm(request.POST, survey_round=survey_round, response=response)
    form.is_valid()
    if not form.savable:
        return JsonResponse(
            {
                "saved": False,
                "stop": True,
                "message": _("Die Seite ist veraltet oder unvollständig; bitte laden Sie sie neu."),
            },
            status=400,
        )
    try:
        saved = services.response_save_draft(
            survey_round=survey_round,
            kita=kita,
            answers=form.answers,
            version=form.cleaned_data["version"],
            acting_user=request.user,
            automatic=True,
        )
    except (
        services.StaleVersionError,
        services.AlreadySubmittedError,
        services.RoundNotOpenError,
    ) as exc:
        return JsonResponse({"saved": False, "stop": True, "message": str(exc)}, status=409)
    form.show_problems(_stored_check(survey_round, saved, complete=False).problems)
    findings = form.findings()
    return JsonResponse(
        {
            "saved": True,
            "version": saved.version,
            "message": _("gespeichert um %(time)s")
            % {"time": date_format(timezone.localtime(saved.updated_at), "H:i")},
            "findings": len(findings),
            "findings_html": render_to_string(
                "surveys/_findings.html", {"findings": findings}, request=request
            ),
        }
    )


@login_required
def questionnaire_check(request, code, kita_id):
    """ "Prüfen und einreichen": every answer read-only by section, what is still to fix
    (then no submit button), else "Verbindlich einreichen" with the version shown. The only
    way to submit: the stored draft at that version is sent (a page saved since is stale)."""
    kita = _led_kita(request.user, kita_id)
    survey_round = _open_round(kita, code)
    response = Response.objects.filter(round=survey_round, kita=kita).first()
    if response is not None and response.is_submitted:
        if request.method == "POST":
            return _submitted_page(request, survey_round, kita, response, post=True)
        return redirect("surveys:form", code=code, kita_id=kita.pk)
    status = 200
    if request.method == "POST":
        submit_form = SubmitForm(request.POST)
        if not submit_form.is_valid():
            messages.error(
                request, _("Die Seite ist veraltet oder unvollständig; bitte laden Sie sie neu.")
            )
            status = 400
        else:
            try:
                services.response_submit(
                    survey_round=survey_round,
                    kita=kita,
                    version=submit_form.cleaned_data["version"],
                    acting_user=request.user,
                )
            except services.AlreadySubmittedError as exc:
                messages.error(request, str(exc))
                return redirect("surveys:form", code=code, kita_id=kita.pk)
            except services.StaleVersionError:
                messages.error(
                    request,
                    _(
                        "Der Fragebogen wurde geändert, seit diese Seite geöffnet wurde (z. B. "
                        "in einem zweiten Browser-Tab). Es wurde nichts eingereicht. Bitte "
                        "prüfen Sie die Angaben unten erneut."
                    ),
                )
                status = 409
            except ValidationError:
                messages.error(
                    request,
                    _("Es wurde nichts eingereicht: Einige Angaben sind noch zu klären."),
                )
                status = 400
            else:
                messages.success(request, _("Vielen Dank! Der Fragebogen ist eingereicht."))
                return redirect("surveys:form", code=code, kita_id=kita.pk)
        response = Response.objects.filter(round=survey_round, kita=kita).first()
    check = _stored_check(survey_round, response, complete=True)
    form = QuestionnaireForm(survey_round=survey_round, response=response)
    form.show_problems(check.problems)
    return render(
        request,
        "surveys/check.html",
        {
            "round": survey_round,
            "kita": kita,
            "response": response,
            "sections": answer_rows(survey_round, response.answers if response else {}),
            "findings": form.findings(url=f"{_form_url(survey_round, kita)}?vollstaendig=1"),
            "submit_form": SubmitForm(initial={"version": response.version if response else 0}),
            "form_url": _form_url(survey_round, kita),
        },
        status=status,
    )


# --- Jugendamt staff ---------------------------------------------------------------


def _staff_round(request, code) -> SurveyRound:
    """A round the user manages (``round_list_for_user``); 404 for any other."""
    return get_object_or_404(selectors.round_list_for_user(request.user), code=code)


@login_required
def round_list(request):
    """All rounds of the Jugendamt with counts; staff may add a round."""
    if not round_policy.user_can(request.user, "manage"):
        raise Http404
    form = RoundCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        jugendamt = get_object_or_404(Jugendamt, pk=jugendamt_id_for_user(request.user))
        try:
            survey_round = services.round_create(
                jugendamt=jugendamt,
                code=form.cleaned_data["code"],
                stichtag=form.cleaned_data["stichtag"],
                closes_on=form.cleaned_data["closes_on"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            messages.success(
                request, _("Die Runde %(code)s ist angelegt.") % {"code": survey_round.code}
            )
            return redirect("surveys:round_detail", code=survey_round.code)
    rounds = selectors.round_list_with_counts(request.user)
    return render(request, "surveys/round_list.html", {"rounds": rounds, "form": form})


@login_required
def round_detail(request, code):
    """Who has submitted, who has a draft, who has not started; actions for the round."""
    survey_round = _staff_round(request, code)
    rows = selectors.round_status_rows(survey_round)
    counts = {"nicht_begonnen": 0, "entwurf": 0, "eingereicht": 0}
    for row in rows:
        counts[row["status"]] += 1
    filter_status = request.GET.get("status", "")
    if filter_status in counts:
        rows = [r for r in rows if r["status"] == filter_status]
    return render(
        request,
        "surveys/round_detail.html",
        {
            "round": survey_round,
            "transitions": [t.custom for t in survey_round.get_available_state_transitions()],
            "can_remind": survey_round.is_open,
            "rows": rows,
            "counts": counts,
            "total": sum(counts.values()),
            "filter_status": filter_status,
        },
    )


@login_required
def round_history(request, code):
    """The round's audit trail and that of its questionnaires (Jugendamt staff)."""
    survey_round = _staff_round(request, code)
    if not audit_policy.user_can(request.user, "view", survey_round.jugendamt_id):
        raise Http404
    events = audit_selectors.round_history(
        round_id=survey_round.pk,
        response_ids=survey_round.responses.values_list("pk", flat=True),
    )
    return render(
        request,
        "surveys/round_history.html",
        {
            "title": _("Verlauf: %(round)s") % {"round": survey_round},
            "round": survey_round,
            "events": events,
        },
    )


@login_required
@require_POST
def round_transition(request, code, action):
    survey_round = _staff_round(request, code)
    service = {"oeffnen": services.round_open, "schliessen": services.round_close}.get(action)
    if service is None:
        raise Http404
    try:
        service(survey_round=survey_round, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if action == "oeffnen":
            messages.success(request, _("Die Runde ist geöffnet."))
        else:
            messages.success(
                request, _("Die Runde ist geschlossen. Die Indizes werden neu berechnet.")
            )
    return redirect("surveys:round_detail", code=survey_round.code)


@login_required
@require_POST
def round_remind(request, code):
    survey_round = _staff_round(request, code)
    try:
        report = services.round_send_reminders(survey_round=survey_round, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        for level, text in _reminder_messages(report):
            messages.add_message(request, level, text)
    return redirect("surveys:round_detail", code=survey_round.code)


def _reminder_messages(report) -> list[tuple[int, str]]:
    """What the reminder run did, in German: whom it reminded (Kitas and people) and why
    the other Kitas were not."""
    result = []
    if report.mails:
        kitas = ", ".join(
            ngettext("%(kita)s (%(n)d Person)", "%(kita)s (%(n)d Personen)", k.recipients)
            % {"kita": k.name, "n": k.recipients}
            for k in report.reminded
        )
        result.append(
            (
                messages.SUCCESS,
                ngettext(
                    "Erinnerung an %(kitas)d Kita im Postausgang: ",
                    "Erinnerungen an %(kitas)d Kitas im Postausgang: ",
                    len(report.reminded),
                )
                % {"kitas": len(report.reminded)}
                + kitas
                + ". "
                + ngettext(
                    "%(people)d Person erhält %(mails)s",
                    "%(people)d Personen erhalten zusammen %(mails)s",
                    report.people,
                )
                % {
                    "people": report.people,
                    "mails": ngettext("%(n)d E-Mail", "%(n)d E-Mails", report.mails)
                    % {"n": report.mails},
                }
                + ngettext("; sie wird versendet.", "; jede wird versendet.", report.mails),
            )
        )
    else:
        result.append((messages.INFO, _("Keine Erinnerung versendet.")))
    reasons = (
        (report.submitted, _("Bereits eingereicht: %(kitas)s.")),
        (report.no_leader, _("Ohne aktives Leitungskonto mit E-Mail-Adresse: %(kitas)s.")),
        (report.recently, _("In den letzten 20 Stunden bereits erinnert: %(kitas)s.")),
    )
    for names, text in reasons:
        if names:
            result.append((messages.INFO, text % {"kitas": ", ".join(names)}))
    return result


@login_required
def round_export(request, code, fmt):
    survey_round = _staff_round(request, code)
    if fmt == "csv":
        content = exchange.export_csv_text(survey_round).encode("utf-8")
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        content = exchange.export_xlsx_bytes(survey_round)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    # Safe even for a code stored before codes were validated (CR/LF, quotes).
    filename = f"{safe_filename(f'erhebung-{survey_round.code}')}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _request_too_large(request) -> bool:
    """The upload's announced length above the import limit (plus room for the form's other
    fields): refused before Django reads or parses the body."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.SRB_IMPORT_MAX_BYTES + 64 * 1024


@login_required
def round_import(request, code):
    """Upload of a CSV/XLSX file (legacy data); all-or-nothing."""
    survey_round = _staff_round(request, code)
    if not round_policy.user_can(request.user, "import_responses", survey_round):
        raise Http404
    if request.method == "POST" and _request_too_large(request):
        limit = localized_plain(f"{settings.SRB_IMPORT_MAX_BYTES / 1_048_576:.1f}")
        problems = [_("Die Datei ist zu groß (höchstens %(max)s MB).") % {"max": limit}]
        messages.error(request, _("Der Import wurde abgebrochen; es wurde nichts gespeichert."))
        return render(
            request,
            "surveys/round_import.html",
            {"round": survey_round, "form": ImportForm(), "problems": problems},
            status=413,
        )
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = exchange.import_file(
                survey_round=survey_round,
                content=upload.read(),
                filename=upload.name,
                acting_user=request.user,
            )
        except exchange.ImportProblem as exc:
            problems = exc.messages
            messages.error(request, _("Der Import wurde abgebrochen; es wurde nichts gespeichert."))
        else:
            messages.success(request, _("%(n)s Fragebögen wurden importiert.") % {"n": count})
            return redirect("surveys:round_detail", code=survey_round.code)
    return render(
        request,
        "surveys/round_import.html",
        {"round": survey_round, "form": form, "problems": problems},
        status=400 if problems or form.errors else 200,
    )


@login_required
def round_partners(request, code):
    """The F4 network partners of the round, kept by the Jugendamt (one per line)."""
    survey_round = _staff_round(request, code)
    editable = survey_round.state in services.PARTNER_EDITABLE_STATES
    initial = {"labels": "\n".join(label for _key, label in survey_round.partner_list)}
    form = PartnersForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.round_partners_set(
                    survey_round=survey_round,
                    labels=form.label_list(),
                    acting_user=request.user,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for errors in exc.message_dict.values():
                        for error in errors:
                            form.add_error("labels", error)
                else:
                    form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, _("Die Netzwerkpartner sind gespeichert."))
                return redirect("surveys:round_detail", code=survey_round.code)
        status = 400
    return render(
        request,
        "surveys/round_partners.html",
        {"round": survey_round, "form": form, "editable": editable},
        status=status,
    )


def _staff_response(request, code, kita_id) -> Response:
    """A questionnaire of a round the user manages, which they review; 404 otherwise."""
    survey_round = _staff_round(request, code)
    return get_object_or_404(
        response_policy.instances_for(request.user, "review").select_related(
            "kita__sozialraum", "round", "submitted_by"
        ),
        round=survey_round,
        kita_id=kita_id,
    )


@login_required
def response_detail(request, code, kita_id):
    """A Kita's answers for the Jugendamt, with review state, comment and reopen."""
    response = _staff_response(request, code, kita_id)
    review_form = ReviewForm(
        request.POST or None,
        initial={
            "review_state": response.review_state or Response.Review.IN_PRUEFUNG,
            "review_comment": response.review_comment,
        },
    )
    if request.method == "POST" and review_form.is_valid():
        services.response_review(
            response=response,
            review_state=review_form.cleaned_data["review_state"],
            comment=review_form.cleaned_data["review_comment"],
            acting_user=request.user,
        )
        messages.success(request, _("Der Prüfstatus ist gespeichert."))
        return redirect("surveys:response_detail", code=code, kita_id=kita_id)
    context = _summary_context(response.round, response.kita, response)
    context.update({"review_form": review_form, "reopen_form": ReopenForm()})
    return render(request, "surveys/response_detail.html", context)


@login_required
@require_POST
def response_reopen(request, code, kita_id):
    response = _staff_response(request, code, kita_id)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte geben Sie einen Grund für das Wiederöffnen an."))
        return redirect("surveys:response_detail", code=code, kita_id=kita_id)
    try:
        services.response_reopen(
            response=response, reason=form.cleaned_data["reason"], acting_user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Der Fragebogen ist wieder geöffnet; die Kita kann ihn erneut bearbeiten."),
        )
    return redirect("surveys:response_detail", code=code, kita_id=kita_id)
