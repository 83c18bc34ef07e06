"""The Slack Events API endpoint as a Django view (spec §3); the logic is in handler.py."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from gateway.handler import handle_slack_event


@csrf_exempt
def slack_event(request: HttpRequest) -> HttpResponse:
    answer = handle_slack_event(request.META, request.read)
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    for name, value in answer.headers:
        response[name] = value
    return response
