-- Dedup: a document's long-sentence hashes are one blob beside its signature; candidates come from
-- an in-memory inverted index, not from joins over a (hash, doc) table (26 s of 42 s at 20k docs).
-- Rows fingerprinted before carry an empty blob and an older normaliser: they are recomputed.
ALTER TABLE dedup_signatures ADD COLUMN sentence_hashes BLOB NOT NULL DEFAULT x'';  -- sorted distinct int64 LE
DROP TABLE dedup_sentences;
