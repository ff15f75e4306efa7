-- Event store ---------------------------------------------------------------------------
-- One row per stream: its current version. Appends update it first (optimistic concurrency,
-- and the transaction's first write, so that a stream's events commit in version order).
CREATE TABLE "streams" (
    "stream_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "streams_pkey" PRIMARY KEY ("stream_id")
);

-- Immutable events. The global order is (transaction_id, position): readers only read below
-- the oldest transaction still open, so an event that commits later is never skipped.
CREATE TABLE "events" (
    "position" BIGINT GENERATED ALWAYS AS IDENTITY,
    "transaction_id" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    "stream_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "schema_version" INTEGER NOT NULL,
    "data" JSONB NOT NULL,
    "metadata" JSONB NOT NULL,
    "occurred_on" DATE,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "events_pkey" PRIMARY KEY ("position")
);
CREATE UNIQUE INDEX "events_id_key" ON "events"("id");
CREATE UNIQUE INDEX "events_stream_id_version_key" ON "events"("stream_id", "version");
CREATE INDEX "events_transaction_id_position_idx" ON "events"("transaction_id", "position");
CREATE INDEX "events_type_transaction_id_position_idx" ON "events"("type", "transaction_id", "position");

-- Where each projection has read up to.
CREATE TABLE "projection_checkpoints" (
    "name" TEXT NOT NULL,
    "transaction_id" xid8 NOT NULL DEFAULT '0',
    "position" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "projection_checkpoints_pkey" PRIMARY KEY ("name")
);

-- Read models ---------------------------------------------------------------------------
CREATE TABLE "mandates" (
    "id" TEXT NOT NULL,
    "acronym" TEXT,
    "names" JSONB NOT NULL DEFAULT '{}',
    "aliases" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "type" TEXT NOT NULL DEFAULT 'other',
    "agenda_item" TEXT,
    "established_on" DATE,
    "established_by" TEXT,
    "expires_on" DATE,
    "terminated_on" DATE,
    "status" TEXT NOT NULL DEFAULT 'active',
    "last_decision" JSONB,
    "search_text" TEXT NOT NULL DEFAULT '',
    "stream_version" INTEGER NOT NULL DEFAULT 0,
    "state" JSONB NOT NULL DEFAULT '{}',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "mandates_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "mandates_expires_on_idx" ON "mandates"("expires_on");

-- Each dated fact of a mandate (establishment, extension, termination) as it stands after
-- corrections; "as of" queries pick the latest one in effect on a date.
CREATE TABLE "mandate_timeline" (
    "event_id" UUID NOT NULL,
    "mandate_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "effective_on" DATE NOT NULL,
    "expires_on" DATE,
    "decision" TEXT,
    "seq" BIGINT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "mandate_timeline_pkey" PRIMARY KEY ("event_id")
);
CREATE INDEX "mandate_timeline_mandate_id_effective_on_idx" ON "mandate_timeline"("mandate_id", "effective_on");
CREATE INDEX "mandate_timeline_effective_on_idx" ON "mandate_timeline"("effective_on");

CREATE TABLE "report_requests" (
    "event_id" UUID NOT NULL,
    "mandate_id" TEXT,
    "due_on" DATE NOT NULL,
    "decision" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "adopted_on" DATE,
    "agenda_item" TEXT,
    CONSTRAINT "report_requests_pkey" PRIMARY KEY ("event_id")
);
CREATE INDEX "report_requests_due_on_idx" ON "report_requests"("due_on");

CREATE TABLE "meetings" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "symbol" TEXT,
    "record" TEXT,
    "record_date" DATE,
    "date" DATE NOT NULL,
    "agenda_item" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "sub_item" TEXT,
    "documents" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "rule37" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "rule39" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "speakers" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "outcome" TEXT,
    "written_procedure_record" TEXT,
    "event_id" UUID NOT NULL,
    CONSTRAINT "meetings_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "meetings_agenda_item_date_idx" ON "meetings"("agenda_item", "date");
CREATE INDEX "meetings_date_idx" ON "meetings"("date");

CREATE TABLE "decisions" (
    "symbol" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "adopted_on" DATE NOT NULL,
    "vote" JSONB,
    "chapter_vii" BOOLEAN NOT NULL DEFAULT false,
    "meeting" TEXT,
    "agenda_item" TEXT,
    "written_procedure_record" TEXT,
    "event_id" UUID NOT NULL,
    CONSTRAINT "decisions_pkey" PRIMARY KEY ("symbol")
);
CREATE INDEX "decisions_agenda_item_adopted_on_idx" ON "decisions"("agenda_item", "adopted_on");
CREATE INDEX "decisions_adopted_on_idx" ON "decisions"("adopted_on");

CREATE TABLE "agenda_items" (
    "id" TEXT NOT NULL,
    "names" JSONB NOT NULL DEFAULT '{}',
    "meetings" INTEGER NOT NULL DEFAULT 0,
    "decisions" INTEGER NOT NULL DEFAULT 0,
    "mandates" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "agenda_items_pkey" PRIMARY KEY ("id")
);

-- Platform ------------------------------------------------------------------------------
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "secret_sha256" TEXT NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- The one business clock of the deployment: real time plus an offset.
CREATE TABLE "business_clock" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "offset_ms" BIGINT NOT NULL DEFAULT 0,
    "start_anchor" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "business_clock_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "business_clock_single_row" CHECK ("id" = 1)
);

CREATE TABLE "imports" (
    "id" UUID NOT NULL,
    "format" TEXT NOT NULL,
    "document_sha256" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL,
    "text" TEXT NOT NULL,
    "facts" JSONB NOT NULL,
    "warnings" JSONB NOT NULL,
    "appended" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "actor" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "imports_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "imports_created_at_idx" ON "imports"("created_at");
