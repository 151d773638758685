from django.db import migrations

# The covering index (INCLUDE) that 0005 added is PostgreSQL's only. Declared
# in the model, it made Django print models.W040 on every command on SQLite,
# where it was built as a useless second index on the primary key. The model
# no longer declares it; PostgreSQL keeps it, other databases drop it.
NAME = "statement_filter_cover_idx"


def drop_elsewhere(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


def restore_elsewhere(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f"CREATE INDEX {NAME} ON statements_statement (id)")


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0006_change_log_and_pending_transcripts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="statement", name=NAME),
            ],
            database_operations=[
                migrations.RunPython(drop_elsewhere, restore_elsewhere),
            ],
        ),
    ]
