from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Press office"
MODELS = ["image", "document", "statementimage", "statementdocument", "emblem"]
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make them now.
    app_config = apps.get_app_config("library")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="library",
            codename__in=[f"{a}_{m}" for m in MODELS for a in ACTIONS],
        )
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="library")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_media_library"),
        ("statements", "0002_press_office_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
