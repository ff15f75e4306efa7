-- "Upcoming expiries" keeps a timeline entry whose expiry falls in the window asked only if no
-- later entry of the same mandate (by effective date, then seq) that also sets an expiry was in
-- force by the "as of" date. That was one index probe per candidate entry, most of the query's
-- cost (1M-event fixture, pgbench: 1.33-1.85 ms of PostgreSQL per answer, 0.59-0.78 ms without
-- it). Each entry that sets an expiry now keeps the effective date of the next one (NULL: none
-- yet), which the projector writes with the entries: the check is a comparison on the row
-- itself. Entries in between have later or equal dates, so "the next one is in force" is "any
-- later one is".
ALTER TABLE "mandate_timeline" ADD COLUMN "superseded_on" DATE;
-- An append updates the mandate's previous latest entry (its link). Room left on each page keeps
-- that a HOT update (no new index entries): a 1M rebuild makes 95,000 such updates, all HOT at
-- 80 %; at 100 % they cost the rebuild ~12 % (64,069 / 61,988 -> 54,285 / 56,323 events/s,
-- alternating runs), at 80 % ~2 % (61,783 / 61,856).
ALTER TABLE "mandate_timeline" SET (fillfactor = 80);
UPDATE "mandate_timeline" t SET "superseded_on" = x.next_on
FROM (
  SELECT mandate_id, effective_on, seq, lead(effective_on) OVER (PARTITION BY mandate_id ORDER BY effective_on, seq) AS next_on
  FROM "mandate_timeline" WHERE expires_on IS NOT NULL
) x
WHERE t.mandate_id = x.mandate_id AND t.effective_on = x.effective_on AND t.seq = x.seq AND x.next_on IS NOT NULL;
