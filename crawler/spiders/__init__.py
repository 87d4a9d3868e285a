"""Scrapy spiders of newscorpus (``scrapy list`` shows them)."""
