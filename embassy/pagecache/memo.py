"""Values worked out from the public content, kept until it changes.

For what every page needs and no page should work out each time: the
filters' choices, the header's content, the number of matches of a filter.
"""

from django.conf import settings
from django.db import DatabaseError

from .generation import REDIS_ERRORS, current, redis_failed, shared_cache

# Values kept in this process's memory for the current generation, at most.
MEMO_LIMIT = 5_000

# Values computed for the current generation, kept by this process.
_memos = {"generation": None, "values": {}}


def memo(name, compute):
    """``compute()``, kept until the content changes."""
    return memo_many([name], lambda names: {name: compute()})[name]


def memo_many(names, compute_missing):
    """``{name: value}`` for ``names``, each kept until the content changes.

    In this process's memory, and in Redis for the other processes (one round
    trip for all of them); ``compute_missing`` takes the names found in
    neither and returns their values. Computed every time with caching off
    or the database down.
    """
    if not settings.PAGE_CACHE_SECONDS:
        return compute_missing(names)
    try:
        generation = current().key
    except DatabaseError:
        return compute_missing(names)
    if _memos["generation"] != generation or len(_memos["values"]) > MEMO_LIMIT:
        _memos.update(generation=generation, values={})
    values = _memos["values"]
    missing = {
        f"memo:{generation}:{name}": name for name in names if name not in values
    }
    shared = shared_cache() if missing else None
    if shared:
        try:
            found = shared.get_many(missing)
        except REDIS_ERRORS:
            redis_failed()
            found, shared = {}, None
        values.update((missing.pop(key), value) for key, value in found.items())
    if missing:
        computed = compute_missing(list(missing.values()))
        values.update(computed)
        if shared:
            try:
                shared.set_many(
                    {key: computed[name] for key, name in missing.items()},
                    settings.PAGE_CACHE_SECONDS,
                )
            except REDIS_ERRORS:
                redis_failed()
    return {name: values[name] for name in names}
