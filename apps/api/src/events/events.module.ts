import { Controller, Get, HttpCode, Inject, Module, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { EVENT_TYPES, isEventType, isoDate, parseEventData, parseStreamId, streamOfFact, type EventType } from '#libs/domain';
import { InvalidCursorError } from '#libs/event-store';
import { PG_POOL } from '#libs/platform';
import { Actor, Roles } from '../auth/decorators.js';
import { ApiError, notFound, unprocessable, validationFailed } from '../platform/errors.js';
import { cursorParam, limitParam } from '../platform/pagination.js';
import { ResponseCache } from '../platform/response-cache.js';
import { ApiZodQuery, ApiZodResponse, jsonSchemaOf, ZodBody, ZodQuery } from '../platform/zod.js';
import { EventWriter, type ValidEvent } from './event-writer.service.js';

const envelope = z.object({
  position: z.number().int(),
  streamId: z.string(),
  version: z.number().int(),
  id: z.uuid(),
  type: z.string(),
  schemaVersion: z.number().int(),
  data: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
  occurredOn: z.string().nullable(),
  recordedAt: z.string(),
});

const eventsQuery = z.object({
  limit: limitParam,
  cursor: cursorParam,
  type: z.string().max(500).optional().describe('Event type, or several comma-separated'),
  streamId: z.string().max(200).optional(),
  from: isoDate.optional().describe('Extension: only events filed on or after this date (their occurredOn, else the UTC date they were recorded)'),
  to: isoDate.optional().describe('Extension: only events filed on or before this date (their occurredOn, else the UTC date they were recorded)'),
});
const eventsPage = z.object({
  items: z.array(envelope),
  next: z.string().nullable().describe('Cursor of the next page; null when nothing more is readable now'),
  tail: z.string().describe('Extension: cursor after the last event returned; poll with it to follow the log'),
});

const streamQuery = z.object({
  limit: limitParam,
  cursor: cursorParam,
});

const appendBody = z.object({
  expectedVersion: z.union([z.number().int().min(0).max(2_147_483_647), z.literal('no_stream'), z.literal('any')]),
  events: z
    .array(
      z.object({
        id: z.uuid().optional(),
        type: z.string().min(1).max(100),
        data: z.unknown(),
        metadata: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .min(1)
    .max(1000),
});
/** The append body for the OpenAPI document: each event's `data` tied to its type's schema. */
const appendBodyDocumented = (() => {
  const json = jsonSchemaOf(appendBody) as { properties: { events: { items: Record<string, unknown> } } };
  json.properties.events.items = {
    oneOf: EVENT_TYPES.map((type) => ({
      type: 'object',
      required: ['type', 'data'],
      properties: {
        id: { type: 'string', format: 'uuid', description: 'Optional; re-sending the same ids appends nothing' },
        type: { const: type },
        data: { $ref: `#/components/schemas/${type}Data` },
        metadata: { type: 'object', additionalProperties: {} },
      },
    })),
  };
  return json;
})();

const appendResult = z.object({ streamId: z.string(), version: z.number().int(), positions: z.array(z.number().int()) });

const streamIdParam = (streamId: string) => {
  if (!parseStreamId(streamId)) {
    throw validationFailed([{ path: 'streamId', message: 'must be <kind>-<key> of a-z, 0-9 and dashes, e.g. mandate-minusma' }], 'The stream id is not valid');
  }
};

@ApiTags('events')
@ApiBearerAuth()
@Controller('api')
export class EventsController {
  /** Serialized full pages of the global log (see list). */
  private readonly fullPages = new ResponseCache();

  constructor(
    private readonly writer: EventWriter,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  @Get('events')
  @ApiOperation({ summary: 'The global event log in its one stable, gap-safe order' })
  @ApiZodQuery(eventsQuery)
  @ApiZodResponse(200, eventsPage)
  async list(@ZodQuery(eventsQuery) q: z.output<typeof eventsQuery>, @Req() req: Request, @Res() res: Response) {
    const types = q.type?.split(',').map((t) => t.trim()).filter(Boolean);
    const key = JSON.stringify([q.cursor ?? null, q.limit, types ?? null, q.streamId ?? null, q.from ?? null, q.to ?? null]);
    const hit = this.fullPages.get(key);
    if (hit) return this.fullPages.send(res, hit);
    try {
      // The page's JSON as PostgreSQL wrote it (see readAllJson), in the envelope of eventsPage.
      const page = await this.writer.store.readAllJson(q.cursor ?? null, q.limit, { types, streamId: q.streamId, from: q.from, to: q.to });
      const answer = this.fullPages.answerFromJson(req, `{"items":${page.itemsJson},"next":${JSON.stringify(page.next)},"tail":${JSON.stringify(page.tail)}}`);
      // A full page (one with a next) never changes: the feed hands out only events below the
      // horizon, and any event that commits later sorts after every event readable now. The
      // last, partial page can still grow, so it is read every time.
      if (page.next !== null) this.fullPages.set(key, answer);
      this.fullPages.send(res, answer);
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new ApiError(400, 'INVALID_CURSOR', 'The cursor is not one this list returned', [{ path: 'cursor', message: 'is not a valid cursor' }]);
      throw err;
    }
  }

  @Get('streams/:streamId')
  @ApiOperation({ summary: 'One stream, in version order' })
  @ApiParam({ name: 'streamId', example: 'mandate-minusma' })
  @ApiZodQuery(streamQuery)
  @ApiZodResponse(200, z.object({ streamId: z.string(), version: z.number().int(), items: z.array(envelope), next: z.string().nullable() }))
  async stream(@Param('streamId') streamId: string, @ZodQuery(streamQuery) q: z.output<typeof streamQuery>) {
    streamIdParam(streamId);
    let fromVersion = 1;
    if (q.cursor) {
      fromVersion = Number(/^v(\d{1,9})$/.exec(q.cursor)?.[1] ?? NaN);
      if (!Number.isInteger(fromVersion) || fromVersion < 1) throw new ApiError(400, 'INVALID_CURSOR', 'The cursor is not one this list returned', [{ path: 'cursor', message: 'is not a valid cursor' }]);
    }
    const { version, events } = await this.writer.store.readStream(streamId, { fromVersion, limit: q.limit + 1 });
    if (version === 0) throw notFound(`No stream ${streamId}`);
    const more = events.length > q.limit;
    const items = more ? events.slice(0, q.limit) : events;
    return { streamId, version, items, next: more ? `v${items[items.length - 1].version + 1}` : null };
  }

  @Post('streams/:streamId/events')
  @Roles('editor')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Append events to a stream (201; 200 with the original result when the same event ids are re-sent; 409 on a wrong expected version)',
    description: `Event types: ${EVENT_TYPES.join(', ')}; their data schemas are components/schemas/<Type>Data.`,
  })
  @ApiParam({ name: 'streamId', example: 'mandate-minusma' })
  @ApiBody({ schema: appendBodyDocumented as never })
  @ApiZodResponse(201, appendResult, 'Appended')
  async append(
    @Param('streamId') streamId: string,
    @ZodBody(appendBody) body: z.output<typeof appendBody>,
    @Actor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    streamIdParam(streamId);
    const issues: { path: string; message: string }[] = [];
    const events: ValidEvent[] = [];
    body.events.forEach((e, i) => {
      if (!isEventType(e.type)) {
        issues.push({ path: `events.${i}.type`, message: `unknown event type "${e.type}"; known: ${EVENT_TYPES.join(', ')}` });
        return;
      }
      const parsed = parseEventData(e.type, e.data);
      if (!parsed.ok) {
        issues.push(...parsed.issues.map((x) => ({ path: [`events.${i}.data`, x.path].filter(Boolean).join('.'), message: x.message })));
        return;
      }
      events.push({ id: e.id, type: e.type, data: parsed.data as Record<string, unknown>, metadata: e.metadata });
    });
    if (issues.length) throw validationFailed(issues, 'Some events are not valid');
    await this.checkStreams(streamId, events);
    const result = await this.writer.append(streamId, events, body.expectedVersion, actor, String((req as { id?: unknown }).id ?? ''));
    if (result.duplicate) res.status(200);
    return { streamId: result.streamId, version: result.version, positions: result.positions };
  }

  /**
   * A fact belongs to its subject's stream (the mandate's for a mandate fact, …): projections and
   * "as of" reads look for it there. A correction belongs to the stream of the event it corrects.
   */
  private async checkStreams(streamId: string, events: ValidEvent[]): Promise<void> {
    const problems: { path: string; message: string }[] = [];
    for (const [i, e] of events.entries()) {
      if (e.type === 'FactCorrected') {
        const target = String(e.data.correctsEventId);
        const { rows } = await this.pool.query<{ stream_id: string; type: string }>('SELECT stream_id, type FROM events WHERE id = $1', [target]);
        if (!rows[0]) problems.push({ path: `events.${i}.data.correctsEventId`, message: `no event ${target}` });
        else if (rows[0].stream_id !== streamId) problems.push({ path: `events.${i}.data.correctsEventId`, message: `that event is in stream ${rows[0].stream_id}; append the correction there` });
        else if (rows[0].type === 'FactCorrected') problems.push({ path: `events.${i}.data.correctsEventId`, message: 'correct the original event, not a correction' });
        continue;
      }
      const expected = streamOfFact(e.type as Exclude<EventType, 'FactCorrected'>, e.data as never);
      if (expected !== streamId) problems.push({ path: `events.${i}`, message: `a ${e.type} with this data belongs to stream ${expected}` });
    }
    if (problems.length) throw unprocessable('WRONG_STREAM', 'Some events do not belong to this stream', problems);
  }
}

@Module({ controllers: [EventsController], providers: [EventWriter], exports: [EventWriter] })
export class EventsModule {}
