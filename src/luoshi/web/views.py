from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands where its work is: the office on the index, a unit on its inbox."""
    user = request.user
    if user.is_office:
        return redirect("lists:index")
    if user.has_role("leader"):
        return redirect("lists:leader")
    if user.unit_id:
        return redirect("lists:inbox")
    return redirect("lists:index")
