import { Controller, Get, HttpCode, Inject, Module, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { BusinessClock } from '#libs/clock';
import {
  decisionAdoptedV1,
  documentSymbol,
  factEvent,
  isoDate,
  MANDATE_TYPES,
  mandateEstablishedV1,
  mandateExtendedV1,
  mandateTerminatedV1,
  meetingHeldV1,
  meetingIdOf,
  slug,
  streamIds,
  todayOf,
  type EventDataMap,
  type EventType,
} from '#libs/domain';
import type { EventStore } from '#libs/event-store';
import { BUSINESS_CLOCK, EVENT_STORE } from '#libs/platform';
import { AgendaItemQueries, DecisionQueries, MandateQueries, MeetingQueries } from '#libs/projections';
import { Actor, type AuthenticatedRequest, Roles, WithMandatesVersion } from '../auth/decorators.js';
import { EventsModule } from '../events/events.module.js';
import { EventWriter } from '../events/event-writer.service.js';
import { conflict, notFound } from '../platform/errors.js';
import { cursorParam, limitParam } from '../platform/pagination.js';
import { pageSchema } from '../platform/pagination.js';
import { ResponseCache } from '../platform/response-cache.js';
import { ApiZodBody, ApiZodQuery, ApiZodResponse, ZodBody, ZodQuery } from '../platform/zod.js';
import { agendaItemSummary, decisionItem, mandateDetail, mandateSummary, meetingItem, recordedFact, upcomingItem } from './read-schemas.js';

// Request bodies: the contract's field names, mapped onto the domain's event schemas (which
// normalise symbols and apply defaults). Unknown fields are refused: a misspelt `expiresOn`
// must not be silently dropped from a fact.
const meetingBody = meetingHeldV1.omit({ meetingId: true }).extend({ symbol: documentSymbol }).strict();
const decisionBody = decisionAdoptedV1.strict();
const mandateBody = mandateEstablishedV1.omit({ mandateId: true }).extend({ id: slug }).strict();
const extensionBody = mandateExtendedV1.omit({ mandateId: true }).strict();
const terminationBody = mandateTerminatedV1.omit({ mandateId: true }).strict();

const dateRangeQuery = z.object({
  agendaItem: slug.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: limitParam,
  cursor: cursorParam,
});
const mandatesQuery = z.object({
  status: z.enum(['active', 'expired', 'terminated']).optional(),
  type: z.enum(MANDATE_TYPES).optional(),
  agendaItem: slug.optional(),
  q: z.string().trim().min(1).max(200).optional().describe('Acronym or name in any language'),
  asOf: isoDate.optional().describe("Default: the business clock's today"),
  limit: limitParam,
  cursor: cursorParam,
});
const upcomingQuery = z.object({
  asOf: isoDate.optional().describe("Default: the business clock's today"),
  within: z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number of days' })
    .transform(Number)
    .pipe(z.number().int().max(36_500, { message: 'must be at most 36500' }))
    .default(365)
    .describe('Days ahead (default 365)'),
  type: z.enum(MANDATE_TYPES).optional(),
  agendaItem: slug.optional(),
});
const mandateQuery = z.object({
  asOf: isoDate.optional().describe("Default: the business clock's today"),
  knownAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant' }).optional().describe('Only what had been recorded by this instant'),
});

@ApiTags('facts')
@ApiBearerAuth()
@Controller('api')
export class FactsController {
  constructor(
    private readonly writer: EventWriter,
    private readonly mandates: MandateQueries,
    private readonly meetings: MeetingQueries,
    private readonly decisions: DecisionQueries,
    private readonly agendaItems: AgendaItemQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(BUSINESS_CLOCK) private readonly clock: BusinessClock,
  ) {}

  /** Serialized answers of `upcoming` (see ResponseCache). */
  private readonly answers = new ResponseCache();

  private today() {
    return todayOf(this.clock);
  }

  private async record<T extends Exclude<EventType, 'FactCorrected'>>(type: T, data: EventDataMap[T], actor: Actor, req: Request, res: Response) {
    const fact = factEvent(type, data);
    const result = await this.writer.appendFact({ ...fact, data: fact.data as Record<string, unknown> }, actor, String((req as { id?: unknown }).id ?? ''));
    res.status(result.duplicate ? 200 : 201);
    return { fact, result };
  }

  private async mandateDetail(id: string) {
    const detail = await this.mandates.get(id, { asOf: this.today() });
    if (!detail) throw notFound(`No mandate ${id}`);
    return detail;
  }

  private async requireMandate(id: string) {
    if ((await this.store.streamVersion(streamIds.mandate(id))) === 0) throw notFound(`No mandate ${id}; create it first with POST /api/mandates`);
  }

  // ---- writes ------------------------------------------------------------------------------

  @Post('meetings')
  @Roles('editor')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a meeting (MeetingHeld); re-sending the same meeting changes nothing (200)' })
  @ApiZodBody(meetingBody)
  @ApiZodResponse(201, recordedFact, 'Recorded (200: already recorded)')
  async meeting(@ZodBody(meetingBody) body: z.output<typeof meetingBody>, @Actor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { fact, result } = await this.record('MeetingHeld', { ...body, meetingId: meetingIdOf(body.symbol) }, actor, req, res);
    return { ...fact.data, id: fact.data.meetingId, eventId: fact.id, streamId: result.streamId };
  }

  @Post('decisions')
  @Roles('editor')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a decision (DecisionAdopted); re-sending the same decision changes nothing (200)' })
  @ApiZodBody(decisionBody)
  @ApiZodResponse(201, recordedFact, 'Recorded (200: already recorded)')
  async decision(@ZodBody(decisionBody) body: z.output<typeof decisionBody>, @Actor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { fact, result } = await this.record('DecisionAdopted', body, actor, req, res);
    return { ...fact.data, eventId: fact.id, streamId: result.streamId };
  }

  @Post('mandates')
  @Roles('editor')
  @HttpCode(201)
  @ApiOperation({ summary: 'Establish a mandate (MandateEstablished); 409 if the mandate exists' })
  @ApiZodBody(mandateBody)
  @ApiZodResponse(201, mandateDetail, 'Established')
  async createMandate(@ZodBody(mandateBody) body: z.output<typeof mandateBody>, @Actor() actor: Actor, @Req() req: Request) {
    const { id, ...rest } = body;
    const fact = factEvent('MandateEstablished', { ...rest, mandateId: id });
    // no_stream: of two concurrent creations one wins, the other gets 409 (or a duplicate, below).
    const result = await this.writer
      .append(fact.streamId, [{ id: fact.id, type: fact.type, data: fact.data as Record<string, unknown> }], 'no_stream', actor, String((req as { id?: unknown }).id ?? ''))
      .catch((err) => {
        if ((err as Error).name === 'WrongExpectedVersionError') throw conflict('ALREADY_EXISTS', `Mandate ${id} exists already`);
        throw err;
      });
    if (result.duplicate) throw conflict('ALREADY_EXISTS', `Mandate ${id} exists already`);
    return this.mandateDetail(id);
  }

  @Post('mandates/:id/extensions')
  @Roles('editor')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record an extension of a mandate (MandateExtended) until a new last day' })
  @ApiParam({ name: 'id', example: 'minusma' })
  @ApiZodBody(extensionBody)
  @ApiZodResponse(201, mandateDetail, 'Recorded (200: already recorded)')
  async extend(@Param('id') id: string, @ZodBody(extensionBody) body: z.output<typeof extensionBody>, @Actor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.requireMandate(id);
    await this.record('MandateExtended', { ...body, mandateId: id }, actor, req, res);
    return this.mandateDetail(id);
  }

  @Post('mandates/:id/termination')
  @Roles('editor')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record the termination of a mandate (MandateTerminated): `on` is its last day in force' })
  @ApiParam({ name: 'id', example: 'minusma' })
  @ApiZodBody(terminationBody)
  @ApiZodResponse(201, mandateDetail, 'Recorded (200: already recorded)')
  async terminate(@Param('id') id: string, @ZodBody(terminationBody) body: z.output<typeof terminationBody>, @Actor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.requireMandate(id);
    await this.record('MandateTerminated', { ...body, mandateId: id }, actor, req, res);
    return this.mandateDetail(id);
  }

  // ---- reads -------------------------------------------------------------------------------

  @Get('mandates')
  @ApiOperation({ summary: 'Mandates, filtered by status, type, agenda item or a search in any language' })
  @ApiZodQuery(mandatesQuery)
  @ApiZodResponse(200, pageSchema(mandateSummary))
  listMandates(@ZodQuery(mandatesQuery) q: z.output<typeof mandatesQuery>) {
    return this.mandates.list({ ...q, asOf: q.asOf ?? this.today() });
  }

  @Get('mandates/upcoming')
  @WithMandatesVersion()
  @ApiOperation({ summary: 'Mandates in force whose expiry falls within `within` days of `asOf`, soonest first' })
  @ApiZodQuery(upcomingQuery)
  @ApiZodResponse(200, pageSchema(upcomingItem))
  async upcoming(@ZodQuery(upcomingQuery) q: z.output<typeof upcomingQuery>, @Req() req: Request, @Res() res: Response) {
    // The key: the whole query with the default asOf resolved (a clock move changes it) and the
    // projection's checkpoint (a write moves it before the write's answer returns).
    const query = { ...q, asOf: q.asOf ?? this.today() };
    const key = (version: string) => JSON.stringify([query.asOf, query.within, query.type ?? null, query.agendaItem ?? null, version]);
    // Read by the guard with the API key (@WithMandatesVersion); the query when it is not there.
    const given = (req as AuthenticatedRequest).mandatesVersion;
    const version = given !== undefined ? given : await this.mandates.upcomingVersion();
    const hit = version === null ? undefined : this.answers.get(key(version));
    if (hit) return this.answers.send(res, hit);
    // The items' JSON comes from PostgreSQL (no row parsing, no JSON.stringify of 50-60 kB here),
    // with the checkpoint of the same snapshot: the answer is kept under that one.
    const page = await this.mandates.upcomingJson(query);
    const answer = this.answers.answerFromJson(req, `{"items":${page.itemsJson},"next":null}`);
    if (page.version !== null) this.answers.set(key(page.version), answer);
    this.answers.send(res, answer);
  }

  @Get('mandates/:id')
  @ApiOperation({ summary: 'One mandate as of a date (decisions adopted by then), optionally as known at an instant, with its history' })
  @ApiParam({ name: 'id', example: 'minusma' })
  @ApiZodQuery(mandateQuery)
  @ApiZodResponse(200, mandateDetail)
  async getMandate(@Param('id') id: string, @ZodQuery(mandateQuery) q: z.output<typeof mandateQuery>) {
    const detail = await this.mandates.get(id, {
      asOf: q.asOf ?? this.today(),
      // recordedAt is compared as text: give knownAt the same UTC millisecond form.
      knownAt: q.knownAt ? new Date(q.knownAt).toISOString() : undefined,
    });
    if (!detail) throw notFound(`No mandate ${id}`);
    return detail;
  }

  @Get('meetings')
  @ApiOperation({ summary: 'Meetings by date, optionally of one agenda item and within dates' })
  @ApiZodQuery(dateRangeQuery)
  @ApiZodResponse(200, pageSchema(meetingItem))
  listMeetings(@ZodQuery(dateRangeQuery) q: z.output<typeof dateRangeQuery>) {
    return this.meetings.list(q);
  }

  @Get('decisions')
  @ApiOperation({ summary: 'Decisions by adoption date, optionally of one agenda item and within dates' })
  @ApiZodQuery(dateRangeQuery)
  @ApiZodResponse(200, pageSchema(decisionItem))
  listDecisions(@ZodQuery(dateRangeQuery) q: z.output<typeof dateRangeQuery>) {
    return this.decisions.list(q);
  }

  @Get('agenda-items')
  @ApiOperation({ summary: 'Agenda items with their names and counts' })
  @ApiZodQuery(z.object({ limit: limitParam, cursor: cursorParam }))
  @ApiZodResponse(200, pageSchema(agendaItemSummary))
  listAgendaItems(@ZodQuery(z.object({ limit: limitParam, cursor: cursorParam })) q: { limit: number; cursor?: string }) {
    return this.agendaItems.list(q);
  }
}

@Module({ imports: [EventsModule], controllers: [FactsController] })
export class FactsModule {}
