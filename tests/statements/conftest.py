import pytest

from statements import importing


@pytest.fixture
def interrupt_on_the_second_batch(monkeypatch):
    """The operator's Ctrl-C while an import writes its second batch's turns."""
    real_insert_turns = importing.insert_turns
    calls = []

    def fail_on_the_second_batch(rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_insert_turns(rows)

    monkeypatch.setattr(importing, "insert_turns", fail_on_the_second_batch)
