"""The API answers every refusal in JSON with the right 4xx; a 500 means a bug, never bad input.

DRF's own handler knows its exceptions only. The services raise Django's ValidationError and
PermissionDenied; Django raises RequestDataTooBig, TooManyFieldsSent and UnicodeDecodeError while
reading a body. Each becomes {"detail": ...} (or {"field": [...]}) with its status.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, ValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def _body(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}


def handle(exc, context):
    """DRF's EXCEPTION_HANDLER: DRF's own answer, else the one for Django's and the body's errors."""
    response = exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": "The request body is too large."}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, TooManyFieldsSent):
        return Response({"detail": "Too many fields in the request."}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, UnicodeError):
        return Response({"detail": "The request is not in a text encoding this API reads (send UTF-8)."},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ValidationError):
        return Response(_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc) or "You cannot do this."}, status=status.HTTP_403_FORBIDDEN)
    return None
