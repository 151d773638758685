from django.db import migrations, models

# A search with a speaker finds their most recent matches by reading their
# statements newest first. Without the date on the speaker's links that meant
# walking every statement newest first and looking each one up among the
# speaker's links (with Sergey Lavrov in one statement in six, six lookups
# for each of his). The links now carry their statement's publication time,
# and an index reads a speaker's newest first. PostgreSQL's triggers keep the
# copy whatever writes it (the admin, the importer's bulk writes, a queryset's
# update()); only PostgreSQL's search reads it, so other databases leave it
# empty.
INDEX = (
    "CREATE INDEX speaker_link_date_idx ON statements_statementspeaker "
    "(speaker_id, published_at DESC NULLS LAST, statement_id DESC)"
)
FILL = """
UPDATE statements_statementspeaker AS l SET published_at = s.published_at
FROM statements_statement AS s WHERE s.id = l.statement_id
"""
TRIGGERS = """
CREATE FUNCTION speaker_link_published_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.published_at := (
        SELECT published_at FROM statements_statement WHERE id = NEW.statement_id
    );
    RETURN NEW;
END $$;
CREATE TRIGGER speaker_link_published_at
BEFORE INSERT OR UPDATE ON statements_statementspeaker
FOR EACH ROW EXECUTE FUNCTION speaker_link_published_at();

CREATE FUNCTION statement_published_at_to_links() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE statements_statementspeaker SET published_at = NEW.published_at
    WHERE statement_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER statement_published_at_to_links
AFTER UPDATE OF published_at ON statements_statement
FOR EACH ROW WHEN (OLD.published_at IS DISTINCT FROM NEW.published_at)
EXECUTE FUNCTION statement_published_at_to_links();
"""
DROP = """
DROP TRIGGER IF EXISTS statement_published_at_to_links ON statements_statement;
DROP FUNCTION IF EXISTS statement_published_at_to_links();
DROP TRIGGER IF EXISTS speaker_link_published_at ON statements_statementspeaker;
DROP FUNCTION IF EXISTS speaker_link_published_at();
DROP INDEX IF EXISTS speaker_link_date_idx;
"""


def copy_and_keep(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FILL)
    schema_editor.execute(INDEX)
    schema_editor.execute(TRIGGERS)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0011_turn_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="statementspeaker",
            name="published_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(copy_and_keep, drop),
    ]
