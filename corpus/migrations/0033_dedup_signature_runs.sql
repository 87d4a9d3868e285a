-- Dedup: the run that fingerprinted each document. An incremental run treats documents fingerprinted
-- by a run that never finished (killed) as changed, though their text_hash already matches.
ALTER TABLE dedup_signatures ADD COLUMN run_id INTEGER;  -- dedup_runs.id
