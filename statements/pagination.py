from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .caching import cached_for_generation


class ArchivePaginator(Paginator):
    """A paginator for lists of any depth.

    A page's rows are found by slicing their primary keys first (an index-only
    scan that does not read the rows it skips), then fetching just those rows,
    so page 2,000 costs little more than page 1. The number of matches is
    cached per filter until the content changes, so it is counted once, not on
    every request.
    """

    def __init__(self, *args, count_key=None, **kwargs):
        self.count_key = count_key
        super().__init__(*args, **kwargs)

    @cached_property
    def count(self):
        if self.count_key is None:
            return self.object_list.count()
        return cached_for_generation(self.count_key, self.object_list.count)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(list(self.object_list.filter(pk__in=ids)), number, self)
