-- Stories, not pages: a document may be one story of a page that holds several (an e-paper page),
-- and a story page reached through an e-paper layout knows where it was printed.
ALTER TABLE documents ADD COLUMN page_url TEXT;          -- the page a story came from (NULL: the document is its page)
ALTER TABLE documents ADD COLUMN story_index INTEGER;    -- 1-based place of the story on that page
ALTER TABLE documents ADD COLUMN page_number TEXT;       -- 版次, e.g. A01
ALTER TABLE documents ADD COLUMN page_name TEXT;         -- 版名, e.g. 要聞
CREATE INDEX documents_page ON documents (page_url);
