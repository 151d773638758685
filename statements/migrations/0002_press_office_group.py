from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Press office"
MANAGED_MODELS = {
    "statements": ["statement", "speaker", "topic", "statementspeaker", "turn"],
    "counters": ["trackedincident", "clock", "contactline"],
}
ACTIONS = ["add", "change", "delete", "view"]


def create_press_office_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make them now.
    for app_label in MANAGED_MODELS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = [
        f"{action}_{model}"
        for models in MANAGED_MODELS.values()
        for model in models
        for action in ACTIONS
    ]
    permissions = Permission.objects.filter(
        content_type__app_label__in=list(MANAGED_MODELS), codename__in=codenames
    )
    group.permissions.set(permissions)


def remove_press_office_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0001_initial"),
        ("counters", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_press_office_group, remove_press_office_group)
    ]
