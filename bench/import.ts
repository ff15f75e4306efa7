import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { FixedClock, upcast } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { parseDocument } from '#libs/importers';
import { ImportService } from '#libs/imports';
import { withBenchDatabase } from './lib/db.js';
import { isMain, log, machineInfo, now, printTable, repoRoot, round, summarize, writeResults } from './lib/harness.js';

/**
 * Benchmark 5 — import: documents/s for the seed document (libs/importers/samples/*.txt) and for
 * 1,000 press releases generated from the real ones in libs/importers/test-fixtures (each with
 * its own press-release and resolution numbers, so each yields new facts). Two figures: parsing
 * alone (`parseDocument`), and the whole import (`ImportService.run`: parse, events with
 * natural-key ids, duplicate/conflict check, atomic append with the import record).
 */
const GENERATED = Number(process.env.BENCH_IMPORT_DOCS ?? 1_000);

async function generatePressReleases(n: number): Promise<string[]> {
  const dir = path.join(repoRoot, 'libs/importers/test-fixtures/press-releases');
  const names = (await readdir(dir)).filter((f) => f.endsWith('.txt')).sort();
  const originals = await Promise.all(names.map((f) => readFile(path.join(dir, f), 'utf8')));
  return Array.from({ length: n }, (_, i) => {
    const shift = 1000 * (1 + Math.floor(i / originals.length)); // resolution 2511 -> 3511, 4511, … (≤ 5 digits)
    return originals[i % originals.length]
      .replace(/SC\/\d+/g, `SC/${20000 + i}`)
      .replace(/\b(\d{4})(\s*\((?:19|20)\d\d\))/g, (_, num: string, year: string) => `${Number(num) + shift}${year}`);
  });
}

async function timeParse(docs: string[], minMs: number): Promise<{ docs: number; ms: number; facts: number; bytes: number; perDoc: ReturnType<typeof summarize> }> {
  let n = 0;
  let facts = 0;
  let bytes = 0;
  const samples: number[] = [];
  const t = now();
  do {
    for (const d of docs) {
      const s = now();
      const r = await parseDocument(d);
      samples.push(now() - s);
      facts += r.facts.length;
      bytes += Buffer.byteLength(d);
      n++;
    }
  } while (now() - t < minMs);
  return { docs: n, ms: now() - t, facts, bytes, perDoc: summarize(samples) };
}

export async function benchImport(): Promise<Record<string, unknown>> {
  const seedDir = path.join(repoRoot, 'libs/importers/samples');
  const seeds = await Promise.all((await readdir(seedDir)).filter((f) => f.endsWith('.txt')).sort().map((f) => readFile(path.join(seedDir, f), 'utf8')));
  const generated = await generatePressReleases(GENERATED);
  return withBenchDatabase('import', async (_db, pool) => {
    const machine = await machineInfo(pool);
    // Warm-up (JIT, catalogue).
    await parseDocument(seeds[0]);
    for (const d of generated.slice(0, 20)) await parseDocument(d);

    log('parse: seed');
    const seedParse = await timeParse(seeds, 3_000);
    log('parse: generated press releases');
    const pressParse = await timeParse(generated, 0);

    const store = new EventStore(pool, { upcast });
    const service = new ImportService(pool, store, new FixedClock(new Date('2026-11-26T12:00:00Z')));
    log('import (parse + append): seed');
    let t = now();
    const seedOutcomes = [];
    for (const s of seeds) seedOutcomes.push(await service.run({ body: s, dryRun: false, actor: 'bench' }));
    const seedImportMs = now() - t;
    log('import (parse + append): generated press releases');
    t = now();
    let appended = 0;
    let duplicates = 0;
    let conflicts = 0;
    const samples: number[] = [];
    for (const d of generated) {
      const s = now();
      const o = await service.run({ body: d, dryRun: false, actor: 'bench' });
      samples.push(now() - s);
      appended += o.appended;
      duplicates += o.duplicates;
      conflicts += o.conflicts;
    }
    const pressImportMs = now() - t;
    const seedAppended = seedOutcomes.reduce((a, o) => a + o.appended, 0);

    const rate = (n: number, ms: number) => round((n / ms) * 1000, 1);
    printTable('Import', [
      {
        documents: `seed (${seeds.length} × ${Math.round(seeds[0].length / 1000)}k chars)`,
        step: 'parse',
        count: seedParse.docs,
        'docs/s': rate(seedParse.docs, seedParse.ms),
        'p50 ms/doc': seedParse.perDoc.p50Ms,
        'MB/s': round(seedParse.bytes / 1e6 / (seedParse.ms / 1000), 2),
        'facts/doc': round(seedParse.facts / seedParse.docs, 1),
      },
      {
        documents: 'seed',
        step: 'import (parse + append)',
        count: seeds.length,
        'docs/s': rate(seeds.length, seedImportMs),
        'p50 ms/doc': round(seedImportMs / seeds.length, 1),
        'MB/s': '',
        'facts/doc': `${seedAppended} events`,
      },
      {
        documents: `${GENERATED} press releases`,
        step: 'parse',
        count: pressParse.docs,
        'docs/s': rate(pressParse.docs, pressParse.ms),
        'p50 ms/doc': pressParse.perDoc.p50Ms,
        'MB/s': round(pressParse.bytes / 1e6 / (pressParse.ms / 1000), 2),
        'facts/doc': round(pressParse.facts / pressParse.docs, 1),
      },
      {
        documents: `${GENERATED} press releases`,
        step: 'import (parse + append)',
        count: GENERATED,
        'docs/s': rate(GENERATED, pressImportMs),
        'p50 ms/doc': summarize(samples).p50Ms,
        'MB/s': '',
        'facts/doc': `${appended} events (+${duplicates} dup, ${conflicts} conflicts)`,
      },
    ]);
    const result = {
      benchmark: 'import',
      seed: { documents: seeds.length, chars: seeds.map((s) => s.length), parse: { ...seedParse, docsPerSec: rate(seedParse.docs, seedParse.ms) }, import: { ms: Math.round(seedImportMs), appended: seedAppended } },
      pressReleases: {
        documents: GENERATED,
        parse: { ...pressParse, docsPerSec: rate(pressParse.docs, pressParse.ms) },
        import: { ms: Math.round(pressImportMs), docsPerSec: rate(GENERATED, pressImportMs), appended, duplicates, conflicts, perDoc: summarize(samples) },
      },
      machine,
    };
    await writeResults('import', result);
    return result;
  });
}

if (isMain(import.meta.url)) await benchImport();
