-- Crawl: link hops from a start page, sitemap or feed when a URL was found, so a resumed crawl
-- continues at the depth where the killed one stopped instead of restarting at 0.

ALTER TABLE urls ADD COLUMN hops INTEGER;
