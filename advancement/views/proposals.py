"""Employees shape the framework: proposals, comments, +1s and HR's answers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from advancement.forms.proposals import AnswerForm, CommentForm, ProposalForm
from advancement.models import Competency, Criterion, Level, ProposalStatus, ProposalTarget
from advancement.permissions.proposals import can_answer_proposals
from advancement.selectors import proposals as selectors
from advancement.services import proposals as services
from perfapp.api.params import is_id
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view, render_htmx
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import message_of

# ?<key>=<id> -> (what the proposal is about, how to load it inside the request's scope)
TARGETS = {
    "criterion": (
        ProposalTarget.CRITERION,
        lambda: Criterion.objects.select_related("level__track", "competency"),
    ),
    "level": (ProposalTarget.LEVEL, lambda: Level.objects.select_related("track")),
    "competency": (ProposalTarget.COMPETENCY, lambda: Competency.objects.all()),
}


def _target_from(request: HttpRequest):
    """(key, target kind, draft object) named by ?criterion= / ?level= / ?competency= (in
    the form or the query string), or None when nothing is named. An id that is not in
    this organization's draft, or not published, is 404: members never read the draft."""
    for key, (target, rows) in TARGETS.items():
        raw = request.POST.get(key) or request.GET.get(key)
        if raw:
            obj = rows().filter(pk=int(raw)).first() if is_id(raw) else None
            if obj is None or services.published_text(target, obj) is None:
                raise Http404
            return key, target, obj
    return None


def _proposal_or_404(request: HttpRequest, pk: int):
    proposal = selectors.proposals(viewer=request.membership).filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


@org_view()
def proposal_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ProposalStatus.values:
        status = ""
    rows = selectors.proposals(viewer=request.membership, status=status)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render_htmx(
        request,
        "advancement/proposals.html",
        {
            "page": page,
            "status": status,
            "statuses": ProposalStatus.choices,
            "query": f"status={status}",
        },
        fragment="results",
    )


@org_view()
def proposal_new(request: HttpRequest) -> HttpResponse:
    named = _target_from(request)
    if named is None:
        return render(request, "advancement/proposal_new.html", {"obj": None})
    key, target, obj = named
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.propose(
                author=request.membership, target=target, obj=obj, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Proposal shared. HR answers every proposal; you'll be told.")
            return redirect(
                "advancement:proposal", org_slug=request.organization.slug, pk=proposal.pk
            )
    label, current = services.published_text(target, obj)
    return render(
        request,
        "advancement/proposal_new.html",
        {"form": form, "key": key, "obj": obj, "label": label, "current": current},
        status=400 if form.errors else 200,
    )


@org_view()
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    comments = proposal.comments.select_related("author__user").order_by("created_at", "id")
    can_answer = can_answer_proposals(request.membership) and proposal.status in (
        ProposalStatus.OPEN,
        ProposalStatus.DISCUSSION,
    )
    return render(
        request,
        "advancement/proposal.html",
        {
            "proposal": proposal,
            "comments": comments,
            "comment_form": CommentForm(),
            "answer_form": AnswerForm() if can_answer else None,
        },
    )


@org_view()
@require_POST
def proposal_comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment(
            author=request.membership, proposal=proposal, body=form.cleaned_data["body"]
        )
        messages.success(request, "Comment added.")
    else:
        messages.error(request, "Write a comment of at most 2,000 characters.")
    return redirect("advancement:proposal", org_slug=request.organization.slug, pk=pk)


@org_view()
@require_POST
def proposal_vote(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    try:
        services.toggle_vote(voter=request.membership, proposal=proposal)
    except ValidationError as error:
        messages.error(request, message_of(error))
    proposal = _proposal_or_404(request, pk)
    if request.htmx:
        return render(request, "advancement/proposal.html#vote", {"proposal": proposal})
    return redirect("advancement:proposal", org_slug=request.organization.slug, pk=pk)


@org_view(Permission.MANAGE_FRAMEWORK)
@require_POST
def proposal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer(actor=request.membership, proposal=proposal, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Answer saved; the proposer has been told.")
            return redirect("advancement:proposal", org_slug=request.organization.slug, pk=pk)
    comments = proposal.comments.select_related("author__user").order_by("created_at", "id")
    return render(
        request,
        "advancement/proposal.html",
        {
            "proposal": proposal,
            "comments": comments,
            "comment_form": CommentForm(),
            "answer_form": form,
        },
        status=400,
    )
