"""Clean: bytes or text in, a clean document or a reason out. Never imports Scrapy.

``clean_html`` (pages) and ``clean_text`` (ingested text) in ``cleaners.pipeline`` are the entry
points; ``decode_html`` (``cleaners.encoding``) is shared with the crawler. ``CLEANER_VERSION``
changes whenever the output of the same input may change; it is stored with every document.
"""

CLEANER_VERSION = "1.0.0"
