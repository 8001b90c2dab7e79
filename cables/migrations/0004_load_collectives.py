from django.db import migrations


def load(apps, schema_editor):
    from cables.collectives import sync_collectives
    from cables.services import sync_posts

    post_model = apps.get_model("cables", "Post")
    sync_posts(post_model)  # posts added to the reference data since 0002 (RPO Dubai), before their collectives
    sync_collectives(apps.get_model("cables", "Collective"), post_model)


class Migration(migrations.Migration):
    dependencies = [("cables", "0003_collective")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
