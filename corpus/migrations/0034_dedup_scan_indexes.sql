-- Dedup reads a few facts of every document and every signature on each run (what changed, which
-- texts are exact duplicates, which have shingles). These covering indexes hold those facts, so the
-- scans skip the texts and the signature blobs: text_hash and script sit after text in a documents
-- row, and reading them read every overflow page of the text (0.8 s per scan at 100k documents).
CREATE INDEX documents_dedup_facts ON documents (id, text_hash, script);
CREATE INDEX dedup_signatures_facts ON dedup_signatures (doc_id, params_id, text_hash, norm_hash, norm_chars, shingles);
DROP INDEX dedup_signatures_norm;
CREATE INDEX dedup_signatures_norm ON dedup_signatures (norm_hash, norm_chars);
