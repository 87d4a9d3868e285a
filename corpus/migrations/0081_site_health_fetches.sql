-- Site health also watches the fetches: an outlet whose server stopped answering is an alert
-- (and the run exits 3), not a quiet run with zero documents.
ALTER TABLE site_health ADD COLUMN fetches INTEGER NOT NULL DEFAULT 0;        -- fetch attempts in that run
ALTER TABLE site_health ADD COLUMN fetch_errors INTEGER NOT NULL DEFAULT 0;   -- attempts with no answer or a 5xx
ALTER TABLE site_health ADD COLUMN top_error TEXT;                            -- the commonest failure
