from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from luoshi.errors import NotAllowed, NotFound


class ChineseFirstLocaleMiddleware:
    """Pages speak Simplified Chinese unless the person chose English with the switch (a cookie).

    Unlike Django's LocaleMiddleware, a browser's Accept-Language does not decide: many office PCs run
    English systems. API clients may still ask for English messages with Accept-Language.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class ErrorPagesMiddleware:
    """Pages (not the API) answer refusals with a page of the site rather than a blank one.

    - GET on an address that only takes a form (a POST-only view's bare 405) shows 405.html: the action
      needs the form on its page, with a link back there.
    - A service's refusal that no view caught (NotAllowed, NotFound) is the 403 or 404 page, not a 500.
    Placed last in MIDDLEWARE, so that the person and their messages are known when the page renders.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not response.content
            and not request.path_info.startswith("/api/")
        ):
            page = render(request, "405.html", {"method": request.method}, status=405)
            page["Allow"] = response["Allow"]
            # the view's decorator logged the refusal already; Django would log this second response again
            page._has_been_logged = getattr(response, "_has_been_logged", False)  # type: ignore[attr-defined]
            return page
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path_info.startswith("/api/"):
            return None
        if isinstance(exception, NotAllowed):
            raise PermissionDenied(exception.message) from exception
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return None
