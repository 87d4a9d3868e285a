"""Clean: bytes or text in, a clean document or a reason out. Never imports Scrapy."""
