-- Release stage: a tombstone made by `takedown --cluster` records the story (dedup cluster id) it
-- took down whole, so the audit trail says why a page that nobody named went out.
ALTER TABLE takedowns ADD COLUMN cluster_id TEXT;
