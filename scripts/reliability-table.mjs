#!/usr/bin/env node
// Rebuilds the table of docs/RELIABILITY.md (between the BEGIN/END markers) from the figures the
// resilience tests wrote to test/resilience/results/*.json. `npm run reliability:table`.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, 'test/resilience/results');
const doc = path.join(root, 'docs/RELIABILITY.md');

const ORDER = ['load-', 'fault-', 'scale-', 'hostile-', 'security-'];
const rank = (id) => {
  const i = ORDER.findIndex((p) => id.startsWith(p));
  return i < 0 ? ORDER.length : i;
};
const cell = (v) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');

const results = [];
for (const f of (await readdir(dir)).filter((f) => f.endsWith('.json'))) results.push(JSON.parse(await readFile(path.join(dir, f), 'utf8')));
results.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));

const rows = [
  '| scenario | injected | expected | observed | unit | duplicates | losses | unexpected 5xx | run |',
  '|---|---|---:|---:|---|---:|---:|---:|---|',
  ...results.map((r) =>
    `| ${cell(r.scenario)} | ${cell(r.injected)} | ${r.expected} | ${r.observed} | ${cell(r.unit)} | ${r.duplicates} | ${r.losses} | ${r.unexpected5xx} | ${r.recordedAt.slice(0, 16).replace('T', ' ')} (\`${r.id}\`) |`,
  ),
];
const text = await readFile(doc, 'utf8');
const begin = '<!-- BEGIN RESULTS (npm run reliability:table) -->';
const end = '<!-- END RESULTS -->';
const a = text.indexOf(begin);
const b = text.indexOf(end);
if (a < 0 || b < 0) throw new Error(`markers missing in ${doc}`);
await writeFile(doc, `${text.slice(0, a + begin.length)}\n${rows.join('\n')}\n${text.slice(b)}`);
console.log(`${results.length} scenarios written to docs/RELIABILITY.md`);
