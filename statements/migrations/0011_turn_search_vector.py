import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations

# Each turn's text was parsed by to_tsvector three times: by the two GIN
# expression indexes (English and Russian, 0003 and 0009), and again for its
# statement's vector. Now it is parsed once, into a stored vector in its
# statement's language; one GIN index on it replaces the expression indexes,
# and a statement's vector is built from its turns' vectors, concatenated in
# order (``tsvector_agg``: PostgreSQL has no such aggregate of its own).
CONFIG = "(CASE s.language {} ELSE 'simple' END)::regconfig".format(
    " ".join(
        f"WHEN '{code}' THEN '{config}'"
        for code, config in settings.SEARCH_CONFIGURATIONS.items()
    )
)
FILL = f"""
UPDATE statements_turn AS t
SET search_vector = to_tsvector({CONFIG}, left(t.text, 200000))
FROM statements_statement AS s WHERE s.id = t.statement_id
"""
EXPRESSION_INDEXES = [
    "CREATE INDEX turn_search_idx ON statements_turn "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))",
    "CREATE INDEX turn_search_russian_idx ON statements_turn "
    "USING gin (to_tsvector('russian'::regconfig, COALESCE(text, '')))",
]


def stored_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE AGGREGATE tsvector_agg (tsvector) "
        "(SFUNC = tsvector_concat, STYPE = tsvector)"
    )
    schema_editor.execute(FILL)
    schema_editor.execute("DROP INDEX turn_search_idx")
    schema_editor.execute("DROP INDEX turn_search_russian_idx")
    schema_editor.execute(
        "CREATE INDEX turn_search_vector_idx ON statements_turn "
        "USING gin (search_vector)"
    )


def expression_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX turn_search_vector_idx")
    for create in EXPRESSION_INDEXES:
        schema_editor.execute(create)
    schema_editor.execute("DROP AGGREGATE tsvector_agg (tsvector)")


class Migration(migrations.Migration):

    dependencies = [
        ("statements", "0010_language_in_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="turn",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(stored_vectors, expression_indexes),
    ]
