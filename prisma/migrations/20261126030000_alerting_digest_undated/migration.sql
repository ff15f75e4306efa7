-- Facts recorded without their own date (no adoptedOn / establishedOn) take the recording date
-- as their effective date; alerting must know, so that it never sends a notice about them.
ALTER TABLE "mandate_timeline" ADD COLUMN "date_known" BOOLEAN NOT NULL DEFAULT true;
UPDATE "mandate_timeline" t SET "date_known" = false
FROM "events" e
WHERE e."id" = t."event_id"
  AND (CASE WHEN e."type" = 'MandateEstablished' THEN e."data" ->> 'establishedOn' ELSE e."data" ->> 'adoptedOn' END) IS NULL;

-- Weekly digests: the alerts of a digest subscription are rows with in_digest = true, never sent
-- alone; the digest that carries them (one delivery of kind weekly_digest) is digest_id.
ALTER TABLE "deliveries" ADD COLUMN "in_digest" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "deliveries" ADD COLUMN "digest_id" UUID;
CREATE INDEX "deliveries_digest_id_idx" ON "deliveries"("digest_id");
