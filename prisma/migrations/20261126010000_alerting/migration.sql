-- Alerting ------------------------------------------------------------------------------
-- A subscriber: one email address or one webhook endpoint, with what it wants to hear about.
CREATE TABLE "subscriptions" (
    "id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "address" TEXT,
    "url" TEXT,
    "scope" JSONB NOT NULL DEFAULT '{"all": true}',
    "lead_days" INTEGER[] NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "notify" TEXT[] NOT NULL,
    "digest" TEXT,
    "status" TEXT NOT NULL,
    "disabled_reason" TEXT,
    -- Webhook signing secrets (`whsec_…`), sealed with SECRETS_KEY when it is set. The previous
    -- one keeps signing until previous_secret_expires_at (rotation overlap).
    "secret" TEXT,
    "previous_secret" TEXT,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    -- Random opaque tokens (≥ 192 bits) for the links in emails and the calendar feed.
    "unsubscribe_token" TEXT NOT NULL,
    "calendar_token" TEXT NOT NULL,
    "confirm_token" TEXT,
    "owner_key_id" TEXT,
    -- Real time of the first failed webhook attempt since the last success (5 days → disabled).
    "failing_since" TIMESTAMPTZ(3),
    "confirmed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "subscriptions_channel_check" CHECK ("channel" IN ('email', 'webhook')),
    CONSTRAINT "subscriptions_status_check" CHECK ("status" IN ('active', 'pending_confirmation', 'unsubscribed', 'disabled'))
);
CREATE UNIQUE INDEX "subscriptions_unsubscribe_token_key" ON "subscriptions"("unsubscribe_token");
CREATE UNIQUE INDEX "subscriptions_calendar_token_key" ON "subscriptions"("calendar_token");
CREATE UNIQUE INDEX "subscriptions_confirm_token_key" ON "subscriptions"("confirm_token");
CREATE INDEX "subscriptions_owner_key_id_idx" ON "subscriptions"("owner_key_id");
CREATE INDEX "subscriptions_status_idx" ON "subscriptions"("status");

-- One row per alert (the source of truth; BullMQ only carries the timing). `id` is derived from
-- `alert_key` and is the webhook-id / Message-ID, so a resend after a crash reuses it.
CREATE TABLE "deliveries" (
    "id" UUID NOT NULL,
    "alert_key" TEXT NOT NULL,
    "subscription_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "mandate_id" TEXT,
    "target_date" DATE,
    "lead_days" INTEGER,
    -- Business time at which it is due.
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "cancel_reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "late" BOOLEAN NOT NULL DEFAULT false,
    -- Real time before which no retry is made (backoff).
    "next_attempt_at" TIMESTAMPTZ(3),
    -- Real time until which one worker holds the delivery while it sends (a lease: a worker
    -- killed mid-send lets it go when this passes).
    "locked_until" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "deliveries_status_check" CHECK ("status" IN ('pending', 'sent', 'failed', 'cancelled')),
    CONSTRAINT "deliveries_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "deliveries_alert_key_key" ON "deliveries"("alert_key");
CREATE INDEX "deliveries_status_due_at_idx" ON "deliveries"("status", "due_at");
CREATE INDEX "deliveries_subscription_id_created_at_idx" ON "deliveries"("subscription_id", "created_at");

-- Bumped by every change to subscriptions or deliveries made outside the worker (API), so that
-- workers notice and sweep at once.
CREATE TABLE "alert_scheduler_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "revision" BIGINT NOT NULL DEFAULT 0,
    "last_sweep_at" TIMESTAMPTZ(3),
    CONSTRAINT "alert_scheduler_state_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_scheduler_state_single_row" CHECK ("id" = 1)
);
INSERT INTO "alert_scheduler_state" ("id", "revision") VALUES (1, 0);
