import { Controller, Get, HttpCode, Inject, Module, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import type { BusinessClock } from '#libs/clock';
import type { EventStore } from '#libs/event-store';
import { ImportInputError } from '#libs/importers';
import { ImportService, type ImportOutcome } from '#libs/imports';
import { BUSINESS_CLOCK, EVENT_STORE, PG_POOL } from '#libs/platform';
import { Actor, Roles } from '../auth/decorators.js';
import { EventsModule } from '../events/events.module.js';
import { EventWriter } from '../events/event-writer.service.js';
import { ApiError, notFound } from '../platform/errors.js';
import { readDocumentBody } from '../platform/document-body.js';
import { RateLimiter } from '../platform/rate-limit.js';
import { decodeCursor, encodeCursor, limitParam, cursorParam, pageSchema } from '../platform/pagination.js';
import { ApiZodQuery, ApiZodResponse, ZodQuery, ZodValidationPipe } from '../platform/zod.js';

const importQuery = z.object({
  dryRun: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false').transform((v) => v === 'true'),
  format: z.enum(['auto', 'repertoire', 'press-release', 'pdf', 'csv']).default('auto'),
});
const listQuery = z.object({ limit: limitParam, cursor: cursorParam });

/** Unreadable documents: 413 when too large, else 422 naming what is wrong (`EMPTY`, `NOT_UTF8`, `NOT_PDF`, …). */
function inputError(err: ImportInputError): ApiError {
  return err.code === 'TOO_LARGE' ? new ApiError(413, 'PAYLOAD_TOO_LARGE', err.message) : new ApiError(422, err.code, err.message);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const span = z.object({ start: z.number().int(), end: z.number().int(), quote: z.string() }).describe('UTF-16 offsets into `text`');
const importSummary = z.object({
  id: z.uuid(),
  format: z.string(),
  container: z.enum(['text', 'pdf']),
  documentSha256: z.string(),
  dryRun: z.boolean(),
  appended: z.number().int(),
  duplicates: z.number().int(),
  conflicts: z.number().int(),
  warnings: z.array(z.object({ code: z.string(), message: z.string(), source: span.optional() })),
  createdAt: z.string(),
});
const importOutcome = importSummary.extend({
  text: z.string().describe("The document's text (a PDF's extracted text)"),
  facts: z.array(z.object({ kind: z.string(), source: span }).catchall(z.unknown())),
  events: z.array(
    z.object({
      streamId: z.string(),
      id: z.uuid(),
      type: z.string(),
      data: z.record(z.string(), z.unknown()),
      status: z.enum(['new', 'duplicate', 'conflict']),
      source: span,
      origin: z.enum(['document', 'catalogue']),
    }),
  ),
});

const view = ({ checkpoint: _internal, ...outcome }: ImportOutcome) => outcome;

@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/imports')
export class ImportsController {
  private readonly imports: ImportService;

  constructor(
    writer: EventWriter,
    @Inject(PG_POOL) pool: pg.Pool,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(BUSINESS_CLOCK) clock: BusinessClock,
    private readonly limiter: RateLimiter,
  ) {
    // Read your writes: an import returns once the projections include it.
    this.imports = new ImportService(pool, store, clock, { afterAppend: (checkpoint) => writer.readYourWrites(checkpoint) });
  }

  @Post()
  @Roles('editor')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Import a document (Repertoire, press release, PDF, CSV): its facts become events; a dry run only shows them',
    description: 'Body: the document (`text/plain; charset=utf-8`, `text/csv`, `application/pdf`), or multipart field `file`; up to 10 MB. 201 when appended, 200 for a dry run.',
  })
  @ApiZodQuery(importQuery)
  @ApiConsumes('text/plain', 'text/csv', 'application/pdf', 'multipart/form-data')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiZodResponse(201, importOutcome, 'Imported (200 for a dry run)')
  async run(@Query() rawQuery: unknown, @Actor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.limiter.hit('imports', actor.id);
    const query = new ZodValidationPipe(importQuery, 'query').transform(rawQuery);
    const document = await readDocumentBody(req, res);
    try {
      const outcome = await this.imports.run({
        body: document.bytes,
        contentType: document.contentType,
        format: query.format,
        dryRun: query.dryRun,
        actor: actor.id,
        requestId: String((req as { id?: unknown }).id ?? ''),
      });
      if (query.dryRun) res.status(200);
      return view(outcome);
    } catch (err) {
      if (err instanceof ImportInputError) throw inputError(err);
      throw err;
    }
  }

  @Get()
  @ApiOperation({ summary: 'Imports, newest first (without their texts and facts)' })
  @ApiZodQuery(listQuery)
  @ApiZodResponse(200, pageSchema(importSummary))
  async list(@ZodQuery(listQuery) q: z.output<typeof listQuery>) {
    const before = decodeCursor(q.cursor, z.iso.datetime());
    const page = await this.imports.list({ limit: q.limit, before });
    return { items: page.items, next: page.next ? encodeCursor(page.next) : null };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One import: its text (for a PDF, the extracted text the offsets index into), facts, events and warnings' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiZodResponse(200, importOutcome)
  async get(@Param('id') id: string) {
    const outcome = UUID.test(id) ? await this.imports.get(id) : null;
    if (!outcome) throw notFound(`No import ${id}`);
    return view(outcome);
  }
}

@Module({ imports: [EventsModule], controllers: [ImportsController] })
export class ImportsModule {}
