import datetime

import pytest
from django.db import connection

from statements.pagination import ArchivePaginator, round_estimate

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty(make_statement):
    return [make_statement() for _ in range(30)]


def test_pages_hold_the_right_statements_in_order(client, thirty):
    first = client.get("/statements/")
    second = client.get("/statements/?page=2")

    newest_first = [s.slug for s in reversed(thirty)]
    assert [s.slug for s in first.context["object_list"]] == newest_first[:20]
    assert [s.slug for s in second.context["object_list"]] == newest_first[20:]
    assert first.context["page_obj"].has_next()
    assert not second.context["page_obj"].has_next()
    assert client.get("/statements/?page=3").status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner estimates")
def test_past_the_exact_limit_the_count_is_an_estimate_and_pages_still_work(
    client, thirty, monkeypatch
):
    monkeypatch.setattr(ArchivePaginator, "exact_count_limit", 5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE statements_statement")

    first = client.get("/statements/")
    second = client.get("/statements/?page=2")

    assert first.context["paginator"].estimated
    assert "About " in first.content.decode()
    assert len(first.context["object_list"]) == 20
    assert first.context["page_obj"].has_next()
    assert len(second.context["object_list"]) == 10
    assert not second.context["page_obj"].has_next()
    assert client.get("/statements/?page=3").status_code == 404
    assert client.get("/statements/?page=x").status_code == 404


@pytest.mark.parametrize(
    ("number", "rounded"), [(7, 7), (99, 99), (123, 120), (98_765, 99_000)]
)
def test_estimates_are_rounded_to_two_figures(number, rounded):
    assert round_estimate(number) == rounded


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner estimates")
def test_a_page_far_past_an_estimate_is_not_found(client, thirty, monkeypatch):
    monkeypatch.setattr(ArchivePaginator, "exact_count_limit", 5)

    response = client.get("/statements/?page=1000000000000000000")

    assert response.status_code == 404


def test_statements_published_at_the_same_time_keep_one_order_across_pages(
    client, make_statement, make_speaker
):
    speaker = make_speaker()
    moment = make_statement().published_at
    same_time = [
        make_statement(published_at=moment, speakers=[speaker]) for _ in range(25)
    ]
    older = make_statement(
        published_at=moment - datetime.timedelta(days=1), speakers=[speaker]
    )

    pages = [
        client.get(f"/statements/?speaker={speaker.slug}&page={number}", follow=True)
        for number in (1, 2)
    ]

    listed = [s.pk for page in pages for s in page.context["object_list"]]
    newest_id_first = [s.pk for s in reversed(same_time)]
    assert listed == [*newest_id_first, older.pk]
    assert pages[0].context["paginator"].count == 26


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL estimates")
def test_without_estimates_a_count_past_the_limit_is_exact(client, thirty, monkeypatch):
    monkeypatch.setattr(ArchivePaginator, "exact_count_limit", 5)

    response = client.get("/statements/")

    assert response.context["paginator"].count == 30
    assert not response.context["paginator"].estimated
    assert "30 statements" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner estimates")
@pytest.mark.parametrize("estimate", [3, 1_000_000])
def test_a_page_that_holds_rows_is_never_a_404_whatever_the_estimate(
    client, thirty, monkeypatch, estimate
):
    monkeypatch.setattr(ArchivePaginator, "exact_count_limit", 5)
    monkeypatch.setattr("statements.pagination.planner_estimate", lambda qs: estimate)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE statements_statement")

    second = client.get("/statements/?page=2")

    assert second.status_code == 200
    assert len(second.context["object_list"]) == 10
    assert not second.context["page_obj"].has_next()
    # The last page proves the count, whatever the estimate said.
    assert second.context["paginator"].count == 30
    assert client.get("/statements/?page=3").status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner estimates")
def test_a_table_never_analysed_is_counted_exactly(client, thirty, monkeypatch):
    monkeypatch.setattr(ArchivePaginator, "exact_count_limit", 5)
    monkeypatch.setattr("statements.pagination.never_analysed", lambda model: True)

    response = client.get("/statements/")

    assert response.context["paginator"].count == 30
    assert not response.context["paginator"].estimated


@pytest.mark.parametrize(("matches", "exact"), [(5, True), (6, False)])
def test_the_count_is_exact_up_to_the_limit_and_estimated_past_it(
    client, make_statement, monkeypatch, matches, exact
):
    monkeypatch.setattr(ArchivePaginator, "exact_count_limit", 5)
    statements = [make_statement() for _ in range(matches)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE statements_statement")

    response = client.get("/statements/")

    paginator = response.context["paginator"]
    assert [s.pk for s in response.context["object_list"]] == [
        s.pk for s in reversed(statements)
    ]
    assert paginator.estimated is (not exact and connection.vendor == "postgresql")
    assert (
        paginator.count >= matches
        if paginator.estimated
        else paginator.count == matches
    )
    # Exactly counted, the matches' keys were kept for the pages.
    assert (paginator._matches[2] is not None) is exact
