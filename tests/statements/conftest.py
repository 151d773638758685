import pytest

from statements.models import Turn


@pytest.fixture
def interrupt_on_the_second_batch(monkeypatch):
    """The operator's Ctrl-C while an import writes its second batch's turns."""
    real_bulk_create = Turn.objects.bulk_create
    calls = []

    def fail_on_the_second_batch(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(Turn.objects, "bulk_create", fail_on_the_second_batch)
