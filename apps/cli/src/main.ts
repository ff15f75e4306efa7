import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createPool, createPrisma } from '#libs/db';
import { isIsoDate, systemClock, todayOf, upcast, type Clock } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { ImportService, type ImportFormat } from '#libs/imports';
import { ImportInputError, parseDocument, toSourcedEvents } from '#libs/importers';
import { allProjectors, MandateQueries, ProjectionRunner } from '#libs/projections';
import { renderTable } from './table.js';

/**
 * `npm run cli -- <command>`: import documents and read deadlines from a terminal.
 *   import <file> [--dry-run] [--format auto|repertoire|press-release|pdf|csv]
 *   upcoming [--as-of YYYY-MM-DD] [--within DAYS]
 * Reads and writes the database of DATABASE_URL (a dry run needs no database).
 */
const USAGE = `usage:
  npm run cli -- import <file> [--dry-run] [--format auto|repertoire|press-release|pdf|csv]
  npm run cli -- upcoming [--as-of YYYY-MM-DD] [--within DAYS]
environment: DATABASE_URL (PostgreSQL of Mandate Watch; not needed for import --dry-run)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function database(): string {
  const url = process.env.DATABASE_URL;
  if (!url) fail('DATABASE_URL is not set. Point it at the Mandate Watch database (e.g. the one `npm start` prints), or use --dry-run.');
  return url;
}

const FORMATS = ['auto', 'repertoire', 'press-release', 'pdf', 'csv'];

function describeFact(f: Record<string, unknown>): string {
  const pick = (...keys: string[]) => keys.map((k) => f[k]).filter((v) => v != null && v !== '' && !(Array.isArray(v) && v.length === 0));
  switch (f.kind) {
    case 'meeting':
    case 'videoconference':
      return pick('symbol', 'record', 'agendaItem', 'outcome').join('  ');
    case 'decision':
      return pick('symbol', 'decisionKind').join('  ') + (f.vote ? `  ${Object.values(f.vote as object).join('-')}` : '') + (f.chapterVII ? '  Ch. VII' : '');
    case 'mandate_extended':
      return `${f.mandateId} until ${f.until} by ${f.decision}${(f.paragraphs as string[])?.length ? ` (paras ${(f.paragraphs as string[]).join(', ')})` : ''}`;
    case 'mandate_terminated':
      return `${f.mandateId} ends ${f.on} by ${f.decision}`;
    case 'mandate_established':
      return `${f.mandateId} (${f.acronym ?? ''}) ${f.establishedBy ?? ''}`;
    case 'report_request':
      return `due ${f.dueOn} by ${f.decision}${f.mandateId ? ` (${f.mandateId})` : ''}`;
    default:
      return '';
  }
}

async function importCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean' }, format: { type: 'string' } } });
  const file = positionals[0];
  if (!file) fail(USAGE);
  const format = (values.format ?? 'auto') as ImportFormat;
  if (!FORMATS.includes(format)) fail(`--format must be one of ${FORMATS.join(', ')}`);
  const body = new Uint8Array(await readFile(file).catch(() => fail(`cannot read ${file}`)));
  const contentType = file.toLowerCase().endsWith('.pdf') ? 'application/pdf' : file.toLowerCase().endsWith('.csv') ? 'text/csv' : 'text/plain';
  try {
    if (values['dry-run'] && !process.env.DATABASE_URL) {
      const parsed = await parseDocument(body, { format, contentType });
      const warnings = [...parsed.warnings];
      const events = toSourcedEvents(parsed, warnings);
      print(file, parsed.format, parsed.facts as unknown as Record<string, unknown>[], warnings, `dry run (no database): ${events.length} events would be appended at most`);
      return;
    }
    const pool = createPool(database());
    try {
      const store = new EventStore(pool, { upcast });
      const runner = new ProjectionRunner(pool, store, allProjectors(store));
      const service = new ImportService(pool, store, systemClock, { afterAppend: async (cp) => void (await runner.waitFor(cp)) });
      const r = await service.run({ body, contentType, format, dryRun: !!values['dry-run'], actor: 'cli' });
      const summary = r.dryRun
        ? `dry run: ${r.events.filter((e) => e.status === 'new').length} new events, ${r.duplicates} already recorded, ${r.conflicts} conflicts`
        : `appended ${r.appended} events; ${r.duplicates} already recorded; ${r.conflicts} conflicts; import ${r.id}`;
      print(file, r.format, r.facts as unknown as Record<string, unknown>[], r.warnings, summary);
    } finally {
      await pool.end();
    }
  } catch (err) {
    if (err instanceof ImportInputError) fail(`${file}: ${err.code}: ${err.message}`);
    throw err;
  }
}

function print(file: string, format: string, facts: Record<string, unknown>[], warnings: { code: string; message: string }[], summary: string): void {
  const out = [`${file}: ${format}, ${facts.length} facts`, renderTable(['kind', 'date', 'fact'], facts.map((f) => [String(f.kind), String(f.date ?? f.adoptedOn ?? f.dueOn ?? f.establishedOn ?? ''), describeFact(f)]))];
  if (warnings.length) out.push('', `${warnings.length} warnings`, renderTable(['code', 'message'], warnings.map((w) => [w.code, w.message])));
  out.push('', summary);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function upcomingCommand(args: string[], clock: Clock): Promise<void> {
  const { values } = parseArgs({ args, options: { 'as-of': { type: 'string' }, within: { type: 'string' } } });
  const asOf = values['as-of'] ?? todayOf(clock);
  if (!isIsoDate(asOf)) fail('--as-of must be a date YYYY-MM-DD');
  const within = Number(values.within ?? 365);
  if (!Number.isInteger(within) || within < 0 || within > 3650) fail('--within must be a whole number of days (0..3650)');
  const pool = createPool(database());
  const prisma = createPrisma(pool);
  try {
    const store = new EventStore(pool, { upcast });
    const r = await new MandateQueries(prisma, store, pool).upcoming({ asOf, within });
    process.stdout.write(
      `${renderTable(
        ['expires on', 'days left', 'mandate', 'name', 'last decision'],
        r.items.map((i) => [i.expiresOn, i.daysLeft, i.mandate.acronym ?? i.mandate.id, i.mandate.names.en ?? i.mandate.names.zh ?? '', i.lastDecision ? `${i.lastDecision.symbol} (${i.lastDecision.adoptedOn})` : '']),
      )}\n${r.items.length} mandates expiring within ${within} days of ${asOf}\n`,
    );
  } finally {
    await prisma.$disconnect();
    await pool.end();
  }
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'import':
    await importCommand(rest);
    break;
  case 'upcoming':
    await upcomingCommand(rest, systemClock);
    break;
  default:
    fail(USAGE);
}
