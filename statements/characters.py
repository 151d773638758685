"""The characters XML 1.0 allows, for everything the site writes as XML.

Feeds, sitemaps and the JSON-LD in pages are read by strict parsers: one
other C0 control, lone surrogate, U+FFFE or U+FFFF makes the whole document
invalid, and a cache would keep the broken copy.
"""

import re

FORBIDDEN_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(value):
    """``value`` without the characters XML 1.0 forbids, in lists and dicts too."""
    if isinstance(value, str):
        return FORBIDDEN_IN_XML.sub("", value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value
