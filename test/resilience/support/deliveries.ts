import type { TestSmtpServer, TestWebhookReceiver } from '../../alerting/support.js';

/** What the receiving side saw, per alert id: the figures of a delivery row in RELIABILITY.md. */
export interface DeliveryTally {
  /** Alert ids the test expects to have been delivered. */
  expected: number;
  /** Expected ids delivered (acknowledged at least once). */
  observed: number;
  /** Ids acknowledged more than once (an alert delivered twice). */
  duplicates: number;
  /** Expected ids never acknowledged. */
  losses: number;
  /** Ids acknowledged that the test did not expect (e.g. a stale reminder). */
  unexpected: string[];
  /** Every request / DATA command the receivers got, acknowledged or not. */
  requests: number;
  /** Requests for an id that was not acknowledged that time (refused, timed out, sender killed). */
  unacknowledged: number;
}

/** `<id@domain>` → id. */
export const messageIdOf = (messageId: string | null | undefined) => /^<([^@>]+)@/.exec(messageId ?? '')?.[1] ?? null;

/**
 * Counts deliveries as the receivers saw them: a webhook counts when it was answered 2xx on a
 * live connection, an email when the SMTP server accepted its DATA. The alert id is the
 * `webhook-id` / the Message-ID's local part, stable across resends.
 */
export function tallyDeliveries(expectedIds: Iterable<string>, receivers: { receiver?: TestWebhookReceiver; smtp?: TestSmtpServer }): DeliveryTally {
  const acked = new Map<string, number>();
  const bump = (id: string | null) => id && acked.set(id, (acked.get(id) ?? 0) + 1);
  let requests = 0;
  let unacknowledged = 0;
  for (const r of receivers.receiver?.received ?? []) {
    requests++;
    if (r.acknowledged) bump(r.id);
    else unacknowledged++;
  }
  for (const m of receivers.smtp?.received ?? []) bump(messageIdOf(m.mail.messageId));
  if (receivers.smtp) {
    requests += receivers.smtp.attempts.length;
    unacknowledged += receivers.smtp.attempts.filter((a) => a.code !== 250).length;
  }
  const expected = new Set(expectedIds);
  const observed = [...expected].filter((id) => acked.has(id)).length;
  return {
    expected: expected.size,
    observed,
    duplicates: [...acked.values()].filter((n) => n > 1).length,
    losses: expected.size - observed,
    unexpected: [...acked.keys()].filter((id) => !expected.has(id)),
    requests,
    unacknowledged,
  };
}

/** The figures of a RELIABILITY.md row, from a tally. */
export const figures = (t: DeliveryTally) => ({ expected: t.expected, observed: t.observed, duplicates: t.duplicates, losses: t.losses });
