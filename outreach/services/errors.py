"""The errors every service raises besides Django's PermissionDenied and ValidationError."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ..models import PostTask


class ConflictError(Exception):
    """Someone else saved the object after the user read it."""

    def __init__(self, obj):
        noun = "task" if isinstance(obj, PostTask) else obj._meta.verbose_name
        super().__init__(f"Someone else changed this {noun}; here is its current state.")
        self.current = obj


class TransitionError(ValidationError):
    """The requested change is not allowed from the object's current state."""
