import json
import math

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.utils.functional import cached_property

from embassy.pagecache.memo import memo


def planner_estimate(queryset):
    """PostgreSQL's estimate of the rows ``queryset`` gives, without running it."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def never_analysed(model):
    """True until PostgreSQL has gathered statistics on ``model``'s table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples < 0 FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        return cursor.fetchone()[0]


def round_estimate(number):
    """Two significant figures: an estimate should not look exact."""
    if number < 100:
        return number
    scale = 10 ** (int(math.log10(number)) - 1)
    return round(number / scale) * scale


class ArchivePage(Page):
    def has_next(self):
        if self.paginator.estimated:
            return self.more
        return super().has_next()


class ArchivePaginator(Paginator):
    """A paginator for lists of any depth and size.

    A page's rows are found by slicing their primary keys first (the database
    walks an index for the keys it skips, without reading their rows), then
    fetching just those rows, so page 2,000 costs little more than page 1.

    Matches are counted exactly up to ``exact_count_limit`` (and their keys
    kept, in order, so their pages need no query for them); past it, on
    PostgreSQL, the count is the query planner's estimate (``estimated`` is
    set, and pages say "about"), so a count never reads every match, and
    whether a next page exists is found by asking for one more row. Either
    way the count is cached per filter until the content changes. A page's
    rows are ``rows(keys)`` if given, without the filters again.
    """

    exact_count_limit = 1000
    date_order = ["-published_at", "-id"]

    # Far past any archive (and any OFFSET the database can take).
    max_page = 1_000_000

    def __init__(self, *args, count_key=None, rows=None, **kwargs):
        self.count_key = count_key
        # Past an estimate, what reading a page proved: at least so many
        # matches, or exactly so many (the last page).
        self.seen_at_least, self.proven_count = 0, None
        # How to read the rows of keys known to match, in their order.
        self.rows = rows
        super().__init__(*args, **kwargs)

    @cached_property
    def _matches(self):
        if self.count_key is None:
            return self._find_matches()
        return memo(self.count_key, self._find_matches)

    def _find_matches(self):
        """``(count, estimated, keys)``; ``keys``, in order, when there are few.

        In date order, up to ``exact_count_limit`` matches are read unordered
        and sorted here: asked for them newest first, the planner may walk the
        whole date index in search of a few rare matches (a speaker, a kind and
        a topic together took 130 ms that way, against 5 ms).
        """
        limit = self.exact_count_limit
        unordered = self.object_list.order_by()
        if self.in_date_order():
            # Whether there are more than ``limit``, from one row: reading
            # all of the first ``limit + 1`` to learn it cost a long list
            # 2.7 ms of CPU (0.75 ms this way).
            if unordered.values_list("pk", flat=True)[limit : limit + 1]:
                counted = limit + 1
            else:
                rows = sorted(unordered.values_list("published_at", "pk"), reverse=True)
                return len(rows), False, [pk for _, pk in rows]
        else:
            counted = unordered[: limit + 1].count()
            if counted <= limit:
                return counted, False, None
        if connection.vendor != "postgresql" or never_analysed(self.object_list.model):
            # Without statistics the planner guesses, often far too low.
            return self.object_list.count(), False, None
        estimate = round_estimate(planner_estimate(self.object_list))
        return max(estimate, counted), True, None

    def in_date_order(self):
        query = self.object_list.query
        ordering = query.order_by or (
            query.get_meta().ordering if query.default_ordering else []
        )
        return list(ordering) == self.date_order

    @property
    def count(self):
        """The estimate, corrected by what the pages read have shown."""
        count, estimated, _ = self._matches
        return (
            self.proven_count or max(count, self.seen_at_least) if estimated else count
        )

    # Not cached: the count may be corrected once a page is read.
    num_pages = property(Paginator.num_pages.func)

    @property
    def estimated(self):
        return self._matches[1]

    def validate_number(self, number):
        if not self.estimated:
            return super().validate_number(number)
        # An estimate may be far off either way: whether a page exists is
        # for its rows to say, never the estimate.
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > self.max_page:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.estimated and top + self.orphans >= self.count:
            top = self.count
        keys = self._matches[2]
        if keys is None:
            keys = self.object_list.values_list("pk", flat=True)
        ids = list(keys[bottom : top + 1])
        if not ids and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if self.rows is not None:
            rows = self.rows(ids[: self.per_page])
        else:
            rows = list(self.object_list.filter(pk__in=ids[: self.per_page]))
        page = ArchivePage(rows, number, self)
        page.more = len(ids) > self.per_page
        if self.estimated:
            self.seen_at_least = bottom + len(ids)
            if not page.more:
                self.proven_count = bottom + len(rows)
        return page
