from django.apps import AppConfig
from django.db.backends.signals import connection_created


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "Outreach: demarches and tasks"

    def ready(self):
        from cables.views import add_actions

        from .dashboards.expressions import register_sqlite_functions
        from .reminders.markings import email_ceiling

        # A misspelt EMAIL_MAX_CLASSIFICATION stops the start, not every email a worker later tries to send.
        email_ceiling()

        connection_created.connect(register_sqlite_functions, dispatch_uid="outreach_sqlite_functions")
        # The cable pages show outreach's actions without cables knowing outreach.
        add_actions("list", "outreach/_cable_list_actions.html")
        add_actions("detail", "outreach/_cable_actions.html")
