"""PostTask.issued_on: the demarche's issue date on each task, so dashboards need no demarche join.

On PostgreSQL two triggers keep it exact whoever writes (services, admin, bulk loads): a task takes its
demarche's date when inserted or moved, and a demarche's tasks follow when its issued_at changes. The
date is issued_at in settings.TIME_ZONE, the same as TruncDate("demarche__issued_at") in the dashboards.
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def fill_issued_on(apps, schema_editor):
    Demarche = apps.get_model("outreach", "Demarche")
    PostTask = apps.get_model("outreach", "PostTask")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE outreach_posttask t SET issued_on = (d.issued_at AT TIME ZONE %s)::date "
            "FROM outreach_demarche d WHERE d.id = t.demarche_id AND d.issued_at IS NOT NULL",
            [settings.TIME_ZONE],
        )
        return
    for pk, issued_at in Demarche.objects.filter(issued_at__isnull=False).values_list("pk", "issued_at"):
        PostTask.objects.filter(demarche_id=pk).update(issued_on=timezone.localdate(issued_at))


TRIGGERS = """
CREATE OR REPLACE FUNCTION outreach_task_issued_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.issued_on := (SELECT (d.issued_at AT TIME ZONE '{tz}')::date FROM outreach_demarche d WHERE d.id = NEW.demarche_id);
    RETURN NEW;
END $$;
CREATE TRIGGER outreach_task_issued_on_ins BEFORE INSERT ON outreach_posttask
    FOR EACH ROW EXECUTE FUNCTION outreach_task_issued_on();
-- A full save() of a task loaded before its demarche was issued writes the stale null back: put it right.
CREATE TRIGGER outreach_task_issued_on_upd BEFORE UPDATE ON outreach_posttask
    FOR EACH ROW WHEN (NEW.demarche_id IS DISTINCT FROM OLD.demarche_id OR NEW.issued_on IS DISTINCT FROM OLD.issued_on)
    EXECUTE FUNCTION outreach_task_issued_on();

CREATE OR REPLACE FUNCTION outreach_demarche_issued_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE outreach_posttask SET issued_on = (NEW.issued_at AT TIME ZONE '{tz}')::date WHERE demarche_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER outreach_demarche_issued_on AFTER UPDATE ON outreach_demarche
    FOR EACH ROW WHEN (NEW.issued_at IS DISTINCT FROM OLD.issued_at)
    EXECUTE FUNCTION outreach_demarche_issued_on();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS outreach_task_issued_on_ins ON outreach_posttask;
DROP TRIGGER IF EXISTS outreach_task_issued_on_upd ON outreach_posttask;
DROP TRIGGER IF EXISTS outreach_demarche_issued_on ON outreach_demarche;
DROP FUNCTION IF EXISTS outreach_task_issued_on();
DROP FUNCTION IF EXISTS outreach_demarche_issued_on();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        tz = settings.TIME_ZONE.replace("'", "")
        schema_editor.execute(TRIGGERS.replace("{tz}", tz))


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS)


class Migration(migrations.Migration):

    dependencies = [
        ("outreach", "0003_dashboards_calendar_feed"),
    ]

    operations = [
        migrations.AddField(
            model_name="posttask",
            name="issued_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_issued_on, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RemoveIndex(
            model_name="posttask",
            name="task_due_cover_idx",
        ),
        migrations.AddIndex(
            model_name="posttask",
            index=models.Index(
                fields=["due"],
                include=("id", "status", "kind", "post", "demarche", "delivered_on", "completed_at", "issued_on"),
                name="task_due_cover_idx",
            ),
        ),
    ]
