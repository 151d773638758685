from django.core import checks


def test_commands_print_no_warnings_on_this_database(db):
    """Every command runs the checks: a warning there is noise on every run."""
    assert checks.run_checks(databases=["default"]) == []
