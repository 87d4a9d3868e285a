"""Clean: bytes or text in, a clean document or a reason out. Never imports Scrapy.

``clean_html`` (pages) and ``clean_text`` (ingested text) in ``cleaners.pipeline`` are the entry
points; ``decode_html`` (``cleaners.encoding``) is shared with the crawler. One module per concern:
``encoding`` (bytes to text by evidence), ``metadata`` (title, author, JSON-LD/meta dates),
``rules`` (named, counted genre rules), ``layout`` (layouts trafilatura misreads), ``dates`` (Chinese dates, source order), ``language``
(language and script), ``boilerplate`` (line hashes for site-level boilerplate), ``settings``
(every CLEANERS_ default), ``files`` (saved files for ``newscorpus clean``).

``CLEANER_VERSION`` changes whenever the output of the same input may change; it is stored with
every document and reject.
"""

CLEANER_VERSION = "1.4.2"
