-- Crawl: which outlet publishes under which section of a host's URL space, learned from the pages'
-- own word (og:site_name, JSON-LD publisher.name) on crawls not given a site file. Pages that say
-- nothing (listings, feeds, e-paper pages, failed fetches) take their section's outlet, on this
-- crawl and the next (crawler/outlets.py).

CREATE TABLE outlet_sections (
    section  TEXT NOT NULL,     -- host and path prefix, e.g. 'news.example.cn/hk/'
    outlet   TEXT NOT NULL,     -- the name the pages give
    pages    INTEGER NOT NULL,  -- pages that said so
    PRIMARY KEY (section, outlet)
);
