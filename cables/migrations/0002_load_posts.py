from django.db import migrations


def load_posts(apps, schema_editor):
    from cables.services import sync_posts

    sync_posts(apps.get_model("cables", "Post"))


class Migration(migrations.Migration):
    dependencies = [("cables", "0001_initial")]

    operations = [migrations.RunPython(load_posts, migrations.RunPython.noop)]
