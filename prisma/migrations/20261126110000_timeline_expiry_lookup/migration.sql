-- "Upcoming expiries" reads only the timeline entries whose expiry falls in the window asked
-- (mandate_timeline_expires_on_effective_on_idx), then checks each one is still the mandate's
-- latest entry as of that date with one probe of (mandate_id, effective_on, seq): its cost
-- follows the size of the answer, not the number of mandates. The (mandate_id, effective_on)
-- index is replaced by the one with seq (the entries' order); the (effective_on) index served no
-- query and only cost inserts.
DROP INDEX "mandate_timeline_mandate_id_effective_on_idx";
DROP INDEX "mandate_timeline_effective_on_idx";
CREATE INDEX "mandate_timeline_mandate_id_effective_on_seq_idx" ON "mandate_timeline"("mandate_id", "effective_on", "seq");
CREATE INDEX "mandate_timeline_expires_on_effective_on_idx" ON "mandate_timeline"("expires_on", "effective_on");
