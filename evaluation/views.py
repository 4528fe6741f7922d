"""Pages of the evaluation survey (issue 17): instruments, items, waves, invitations,
results; and the respondent's page behind the personal link (no account).

Views stay thin: objects come through the policy's ``instances_for`` (404 for "not
yours" as for "no such"), the form validates, one service writes, its German refusal is
shown as a message.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from evaluation import exports, selectors
from evaluation import services as s
from evaluation.forms import AnswerForm, InstrumentCreateForm, InviteForm, ItemForm, WaveForm
from evaluation.models import Block, Item, WaveState
from evaluation.permissions import instrument_policy, wave_policy
from srb_project.spreadsheet import safe_filename

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def _refusal(request, exc) -> None:
    for msg in getattr(exc, "messages", [str(exc)]):
        messages.error(request, msg)


def _instrument_or_404(request, pk, action="view"):
    return get_object_or_404(instrument_policy.instances_for(request.user, action), pk=pk)


def _wave_or_404(request, pk, action="view"):
    return get_object_or_404(wave_policy.instances_for(request.user, action), pk=pk)


def _item_or_404(request, pk):
    instruments = instrument_policy.instances_for(request.user, "manage")
    return get_object_or_404(
        Item.objects.select_related("block__instrument"), pk=pk, block__instrument__in=instruments
    )


# --- instruments ---------------------------------------------------------------------


@login_required
@require_GET
def instrument_list(request):
    user = request.user
    if not instrument_policy.user_can(user, "view"):
        raise PermissionDenied
    instruments = list(instrument_policy.instances_for(user, "view").prefetch_related("waves"))
    may_manage = instrument_policy.user_can(user, "manage")
    return render(
        request,
        "evaluation/instrument_list.html",
        {
            "instruments": instruments,
            "may_manage": may_manage,
            "form": InstrumentCreateForm() if may_manage and user.jugendamt_id else None,
        },
    )


@login_required
@require_POST
def instrument_create(request):
    user = request.user
    if not instrument_policy.user_can(user, "manage") or user.jugendamt_id is None:
        raise PermissionDenied
    form = InstrumentCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie die Gruppe der Befragten."))
        return redirect("evaluation:instrument_list")
    try:
        instrument = s.instrument_create(
            jugendamt=user.jugendamt, acting_user=user, **form.cleaned_data
        )
    except ValidationError as exc:
        _refusal(request, exc)
        return redirect("evaluation:instrument_list")
    messages.success(request, _("Das Instrument ist aus der Vorlage angelegt."))
    return redirect("evaluation:instrument_detail", pk=instrument.pk)


@login_required
@require_GET
def instrument_detail(request, pk):
    instrument = _instrument_or_404(request, pk)
    waves = list(instrument.waves.order_by("code"))
    progress = selectors.progress_by_wave(waves)
    blocks = list(instrument.blocks.prefetch_related("items"))
    return render(
        request,
        "evaluation/instrument_detail.html",
        {
            "instrument": instrument,
            "blocks": blocks,
            "waves": [(w, progress[w.pk]) for w in waves],
            "may_manage": instrument_policy.user_can(request.user, "manage", instrument),
        },
    )


@login_required
@require_POST
def instrument_new_version(request, pk):
    instrument = _instrument_or_404(request, pk, "manage")
    try:
        copy = s.instrument_new_version(instrument=instrument, acting_user=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
        return redirect("evaluation:instrument_detail", pk=instrument.pk)
    messages.success(
        request, _("Version %(v)s ist angelegt und kann bearbeitet werden.") % {"v": copy.version}
    )
    return redirect("evaluation:instrument_detail", pk=copy.pk)


# --- items ---------------------------------------------------------------------------


def _item_form_page(request, *, form, instrument, item=None, block=None):
    return render(
        request,
        "evaluation/item_form.html",
        {"form": form, "instrument": instrument, "item": item, "block": block},
    )


@login_required
def item_edit(request, pk):
    item = _item_or_404(request, pk)
    instrument = item.block.instrument
    initial = {
        "text": item.text,
        "kind": item.kind,
        "options": "\n".join(item.options or []),
        "required": item.required,
    }
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            s.item_update(item=item, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Die Frage %(code)s ist gespeichert.") % {"code": item.code}
            )
            return redirect("evaluation:instrument_detail", pk=instrument.pk)
    if instrument.is_frozen and request.method == "GET":
        messages.warning(request, _("Das Instrument ist eingefroren; Änderungen werden abgelehnt."))
    return _item_form_page(request, form=form, instrument=instrument, item=item)


@login_required
def item_create(request, block_pk):
    instruments = instrument_policy.instances_for(request.user, "manage")
    block = get_object_or_404(
        Block.objects.select_related("instrument"), pk=block_pk, instrument__in=instruments
    )
    form = ItemForm(request.POST or None, initial={"kind": "likert4", "required": True})
    if request.method == "POST" and form.is_valid():
        try:
            item = s.item_create(block=block, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Die Frage %(code)s ist angelegt.") % {"code": item.code})
            return redirect("evaluation:instrument_detail", pk=block.instrument_id)
    return _item_form_page(request, form=form, instrument=block.instrument, block=block)


@login_required
@require_POST
def item_delete(request, pk):
    item = _item_or_404(request, pk)
    instrument_pk = item.block.instrument_id
    try:
        s.item_delete(item=item, acting_user=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Die Frage %(code)s ist gelöscht.") % {"code": item.code})
    return redirect("evaluation:instrument_detail", pk=instrument_pk)


# --- waves ---------------------------------------------------------------------------


@login_required
@require_GET
def wave_detail(request, pk):
    wave = _wave_or_404(request, pk)
    may_manage = wave_policy.user_can(request.user, "manage", wave)
    progress = selectors.progress_by_wave([wave])[wave.pk]
    invitations = list(wave.invitations.order_by("email")) if may_manage else []
    return render(
        request,
        "evaluation/wave_detail.html",
        {
            "wave": wave,
            "instrument": wave.instrument,
            "progress": progress,
            "invitations": invitations,
            "may_manage": may_manage,
            "accepts": wave.accepts_answers(),
            "dates_form": WaveForm(
                initial={
                    "label": wave.label,
                    "opens_on": wave.opens_on,
                    "closes_on": wave.closes_on,
                }
            )
            if may_manage and wave.state != WaveState.CLOSED
            else None,
            "invite_form": InviteForm() if may_manage and wave.accepts_answers() else None,
            "min_answers": selectors.MIN_ANSWERS,
        },
    )


@login_required
@require_POST
def wave_dates(request, pk):
    wave = _wave_or_404(request, pk, "manage")
    form = WaveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("evaluation:wave_detail", pk=wave.pk)
    try:
        s.wave_update(wave=wave, acting_user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Die Daten der Welle sind gespeichert."))
    return redirect("evaluation:wave_detail", pk=wave.pk)


@login_required
@require_POST
def wave_open(request, pk):
    wave = _wave_or_404(request, pk, "manage")
    try:
        s.wave_open(wave=wave, acting_user=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(
            request,
            _("Die Welle %(code)s ist geöffnet; das Instrument ist nun eingefroren.")
            % {"code": wave.code},
        )
    return redirect("evaluation:wave_detail", pk=wave.pk)


@login_required
@require_POST
def wave_close(request, pk):
    wave = _wave_or_404(request, pk, "manage")
    try:
        s.wave_close(wave=wave, acting_user=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Die Welle %(code)s ist geschlossen.") % {"code": wave.code})
    return redirect("evaluation:wave_detail", pk=wave.pk)


@login_required
@require_POST
def wave_invite(request, pk):
    wave = _wave_or_404(request, pk, "manage")
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte geben Sie mindestens eine E-Mail-Adresse ein."))
        return redirect("evaluation:wave_detail", pk=wave.pk)
    try:
        result = s.invitations_create(
            wave=wave, addresses=form.cleaned_data["addresses"], acting_user=request.user
        )
    except ValidationError as exc:
        _refusal(request, exc)
        return redirect("evaluation:wave_detail", pk=wave.pk)
    n = len(result.created)
    messages.success(
        request,
        ngettext("%(n)s Einladung ist verschickt.", "%(n)s Einladungen sind verschickt.", n)
        % {"n": n},
    )
    if result.skipped:
        messages.info(
            request,
            _("Schon eingeladen (nicht noch einmal verschickt): %(list)s")
            % {"list": ", ".join(result.skipped)},
        )
    return redirect("evaluation:wave_detail", pk=wave.pk)


@login_required
@require_POST
def wave_remind(request, pk):
    wave = _wave_or_404(request, pk, "manage")
    try:
        n = s.wave_reminders_send(wave=wave, acting_user=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        if n:
            messages.success(
                request,
                ngettext(
                    "%(n)s Erinnerung ist verschickt.", "%(n)s Erinnerungen sind verschickt.", n
                )
                % {"n": n},
            )
        else:
            messages.info(
                request,
                _(
                    "Niemand zu erinnern: alle haben geantwortet oder wurden in den letzten "
                    "20 Stunden eingeladen oder erinnert."
                ),
            )
    return redirect("evaluation:wave_detail", pk=wave.pk)


# --- results -------------------------------------------------------------------------


@login_required
@require_GET
def wave_results(request, pk):
    wave = _wave_or_404(request, pk)
    results = selectors.wave_results(wave, with_texts=True)  # staff only (the policy's view)
    return render(
        request,
        "evaluation/wave_results.html",
        {"wave": wave, "instrument": wave.instrument, "results": results},
    )


@login_required
@require_GET
def instrument_comparison(request, pk):
    instrument = _instrument_or_404(request, pk)
    return render(
        request,
        "evaluation/comparison.html",
        {"instrument": instrument, "comparison": selectors.comparison(instrument)},
    )


@login_required
@require_GET
def instrument_export(request, pk):
    instrument = _instrument_or_404(request, pk)
    waves = list(instrument.waves.order_by("code"))
    data = exports.results_xlsx(
        [selectors.wave_results(w, with_texts=True) for w in waves],
        selectors.comparison(instrument),
    )
    s.results_export_record(
        instrument=instrument, waves=[w.code for w in waves], acting_user=request.user
    )
    response = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
    filename = safe_filename(
        _("evaluation-%(code)s-v%(v)s.xlsx") % {"code": instrument.code, "v": instrument.version}
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the respondent (no account) -----------------------------------------------------


def _gone(request, exc: s.LinkGone):
    return render(
        request, "evaluation/answer_gone.html", {"message": exc.message}, status=exc.status
    )


@never_cache
def answer(request, token):
    """The questionnaire behind a personal link. No login: the link is the permission;
    nothing on the page names the person or the Jugendamt's other data."""
    if not TOKEN.match(token):
        return _gone(request, s.LinkGone(404, _("Diesen Link kennen wir nicht.")))
    try:
        invitation = s.invitation_for_token(token)
    except s.LinkGone as exc:
        return _gone(request, exc)
    wave = invitation.wave
    items = list(
        Item.objects.filter(block__instrument_id=wave.instrument_id).select_related("block")
    )
    form = AnswerForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            s.answers_submit(token=token, answers=form.answers())
        except s.LinkGone as exc:
            return _gone(request, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("evaluation:answer_done")
    blocks = []
    for item in items:
        if not blocks or blocks[-1][0] != item.block:
            blocks.append((item.block, []))
        blocks[-1][1].append(form[s.field_name(item)])
    return render(
        request,
        "evaluation/answer_form.html",
        {"form": form, "blocks": blocks, "wave": wave, "instrument": wave.instrument},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def answer_done(request):
    return render(request, "evaluation/answer_done.html")
