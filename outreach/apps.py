from django.apps import AppConfig
from django.db.backends.signals import connection_created


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "Outreach: demarches and tasks"

    def ready(self):
        from .dashboards.expressions import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="outreach_sqlite_functions")
