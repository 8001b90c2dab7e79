"""The JSON API (Django REST Framework): the same querysets, services and permissions as the pages."""
