// `npm run demo`: Mandate Watch on its embedded defaults (see `npm start`), with the sample
// Repertoire loaded, a demo email subscriber, and the business clock set 40 seconds before a
// reminder is due — so that within a minute an alert lands in <DATA_DIR>/outbox/ as an .eml file.
// Plain JS: it runs before anything is built. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, CLOCK_CONTROL: process.env.CLOCK_CONTROL ?? 'enabled', MW_DEMO: '1' };
const port = env.PORT ?? '3000';
const base = `http://127.0.0.1:${port}`;
const dataDir = path.resolve(root, env.DATA_DIR ?? '.data');
const outbox = path.join(dataDir, 'outbox');
const sample = path.join(root, 'libs/importers/samples/repertoire-2020-mali-haiti.zh.txt');
const say = (line) => process.stdout.write(`[demo] ${line}\n`);

if (env.SMTP_URL) say(`SMTP_URL is set: the alert goes to ${env.SMTP_URL} instead of ${outbox}`);
const app = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], { cwd: root, env, stdio: 'inherit' });
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    app.kill(signal);
  });
}
app.on('exit', (code) => {
  if (!stopping) say(`Mandate Watch exited (code ${code}) before the demo was ready`);
  process.exit(code ?? 0);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function call(method, p, body, contentType = 'application/json') {
  const key = readFileSync(path.join(dataDir, 'admin-key'), 'utf8').trim();
  const res = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    body: body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : body,
  });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json?.error ?? json)}`);
  return json;
}

async function ready() {
  // The first start builds the server and the console: give it a few minutes.
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok && existsSync(path.join(dataDir, 'admin-key'))) return;
    } catch {
      /* not listening yet */
    }
    await sleep(500);
  }
  throw new Error(`Mandate Watch did not become ready on ${base}`);
}

async function main() {
  await ready();
  const outboxBefore = new Set(existsSync(outbox) ? readdirSync(outbox) : []);
  const imported = await call('POST', '/api/imports?dryRun=false', readFileSync(sample, 'utf8'), 'text/plain; charset=utf-8');
  say(`sample loaded: ${imported.appended} new events (${imported.duplicates} already there) from ${path.relative(root, sample)}`);

  // A fresh subscriber on every run, so that every run sends a new alert.
  const address = `demo+${Date.now()}@example.org`;
  const sub = await call('POST', '/api/subscriptions', { channel: 'email', address, leadDays: [30, 7, 1], timezone: 'UTC' });
  say(`demo subscriber ${address} (${sub.status}); calendar feed: ${sub.calendarUrl}`);

  const upcoming = await call('GET', '/api/mandates/upcoming?asOf=2020-12-01&within=730');
  const first = upcoming.items[0];
  if (!first) throw new Error('the sample has no upcoming expiry');
  const [y, m, d] = first.expiresOn.split('-').map(Number);
  const due = new Date(Date.UTC(y, m - 1, d - 30, 9, 0, 0));
  const clock = new Date(due.getTime() - 40_000);
  await call('PUT', '/api/clock', { now: clock.toISOString() });
  const label = first.mandate.acronym ?? first.mandate.names.en;
  say(`business clock set to ${clock.toISOString()}: the 30-day reminder for ${label} (expires ${first.expiresOn}) is due at ${due.toISOString()}`);
  say(`watch ${path.relative(process.cwd(), outbox) || outbox}/ — it lands there within a minute`);

  for (let i = 0; i < 240; i++) {
    const fresh = existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml') && !outboxBefore.has(f)) : [];
    for (const f of fresh) {
      const text = readFileSync(path.join(outbox, f), 'utf8');
      if (!text.includes(address)) continue;
      const subject = /^Subject: (.*(?:\n[ \t].*)*)/m.exec(text)?.[1].replace(/\n[ \t]+/g, ' ');
      say(`alert written: ${path.join(outbox, f)}  —  "${subject}"`);
      say('Mandate Watch keeps running (console and API docs as printed above); Ctrl-C stops it.');
      return;
    }
    await sleep(500);
  }
  say('no alert arrived within two minutes: look at the worker\'s log lines above');
}

main().catch((err) => {
  say(`demo failed: ${err.message}`);
  stopping = true;
  app.kill('SIGTERM');
});
