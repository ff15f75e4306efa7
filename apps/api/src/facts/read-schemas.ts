import { z } from 'zod';

/**
 * Response shapes of the read endpoints, for the OpenAPI document only (the queries in
 * #libs/projections produce them; these mirror their TypeScript types).
 */
const names = z.record(z.string(), z.string()).describe('Names by language: en, zh, fr');
const decisionRef = z.object({ symbol: z.string(), adoptedOn: z.string() }).nullable();

export const mandateSummary = z.object({
  id: z.string(),
  acronym: z.string().nullable(),
  names,
  aliases: z.array(z.string()),
  type: z.string(),
  agendaItem: z.string().nullable(),
  status: z.enum(['active', 'expired', 'terminated']),
  establishedOn: z.string().nullable(),
  establishedBy: z.string().nullable(),
  expiresOn: z.string().nullable().describe('Last day in force (inclusive)'),
  daysLeft: z.number().int().nullable(),
  terminatedOn: z.string().nullable(),
  lastDecision: decisionRef,
});

export const mandateDetail = z.object({
  id: z.string(),
  acronym: z.string().nullable(),
  names,
  aliases: z.array(z.string()),
  type: z.string().nullable(),
  agendaItem: z.string().nullable(),
  status: z.enum(['active', 'expired', 'terminated', 'not_established']),
  establishedOn: z.string().nullable(),
  establishedBy: z.string().nullable(),
  expiresOn: z.string().nullable(),
  terminatedOn: z.string().nullable(),
  lastDecision: decisionRef,
  history: z.array(
    z.object({
      kind: z.enum(['established', 'extended', 'terminated']),
      from: z.string().nullable(),
      until: z.string().nullable(),
      decision: z.string().nullable(),
      adoptedOn: z.string(),
      paragraphs: z.array(z.string()),
      period: z.string().nullable(),
      eventId: z.string(),
    }),
  ),
  reportRequests: z.array(z.object({ dueOn: z.string(), decision: z.string(), description: z.string(), paragraphs: z.array(z.string()), eventId: z.string() })),
  version: z.number().int(),
  daysLeft: z.number().int().nullable(),
  asOf: z.string(),
  knownAt: z.string().nullable(),
  streamId: z.string(),
});

export const upcomingItem = z.object({
  mandate: z.object({ id: z.string(), acronym: z.string().nullable(), names, type: z.string(), agendaItem: z.string().nullable() }),
  expiresOn: z.string(),
  daysLeft: z.number().int(),
  lastDecision: decisionRef,
});

export const meetingItem = z.object({
  id: z.string(),
  kind: z.string(),
  symbol: z.string().nullable(),
  record: z.string().nullable(),
  recordDate: z.string().nullable(),
  date: z.string(),
  agendaItem: z.string(),
  format: z.string(),
  subItem: z.string().nullable(),
  documents: z.array(z.string()),
  rule37: z.array(z.string()),
  rule39: z.array(z.string()),
  speakers: z.array(z.string()),
  outcome: z.string().nullable(),
  writtenProcedureRecord: z.string().nullable(),
});

export const decisionItem = z.object({
  symbol: z.string(),
  kind: z.string(),
  adoptedOn: z.string(),
  vote: z.object({ for: z.number().int(), against: z.number().int(), abstaining: z.number().int() }).nullable(),
  chapterVII: z.boolean(),
  meeting: z.string().nullable(),
  agendaItem: z.string().nullable(),
  writtenProcedureRecord: z.string().nullable(),
});

export const agendaItemSummary = z.object({ id: z.string(), names, meetings: z.number().int(), decisions: z.number().int(), mandates: z.number().int() });

export const recordedFact = z
  .object({ eventId: z.string().describe('Derived from the fact’s natural key'), streamId: z.string() })
  .catchall(z.unknown())
  .describe('The recorded data (normalised), with its event id and stream');
