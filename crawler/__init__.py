"""Crawl: Scrapy spiders that discover news articles and keep every raw response in WARC."""
