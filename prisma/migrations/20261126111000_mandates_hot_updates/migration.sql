-- Every new extension rewrites its mandate's row (expiry, last decision, the projector's summary).
-- With an index on expires_on none of those updates could be HOT: each one added entries to
-- both indexes and left a dead row version behind, so a rebuild of 1M events (5,000 mandates
-- updated once per batch) left the table at 216 MB for 5,000 rows and made every later lookup of
-- a mandate wade through its dead versions. Without that index (no query needs it: the lists
-- filter 5,000 rows, "upcoming" reads mandate_timeline) and with room on each page for a new
-- version, the updates are HOT and pages are pruned as they go: 10 MB after the same rebuild.
DROP INDEX "mandates_expires_on_idx";
ALTER TABLE "mandates" SET (fillfactor = 50);
