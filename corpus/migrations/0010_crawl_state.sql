-- Crawl: how often a URL has failed in a row, so a dead link is retried a few crawls, then left alone.

ALTER TABLE urls ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE urls ADD COLUMN last_error TEXT;
CREATE INDEX urls_next_visit ON urls (site, next_visit_at);
