import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, WebhookSender, WebhookSigner, WebhookUrlGuard, WebhookUrlRefused, type HostResolver } from '#libs/alerting';

describe('WebhookSigner', () => {
  const signer = new WebhookSigner();
  const body = JSON.stringify({ type: 'subscription.test', timestamp: '2021-05-31T09:00:00.000Z', data: { deliveryId: 'x' } });
  const id = 'msg_2Yh8wJv1';
  const ts = Math.floor(Date.now() / 1000);

  it('signs so that the standardwebhooks package verifies', () => {
    const secret = generateWebhookSecret();
    const signature = signer.sign([secret], id, ts, body);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature })).toEqual(JSON.parse(body));
  });

  it('during a rotation both secrets verify; a third does not, nor a changed body', () => {
    const [current, previous, other] = [generateWebhookSecret(), generateWebhookSecret(), generateWebhookSecret()];
    const signature = signer.sign([current, previous], id, ts, body);
    expect(signature.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature };
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(other).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body.replace('x', 'y'), headers)).toThrow();
  });
});

describe('WebhookUrlGuard', () => {
  const names: Record<string, string[]> = {
    'metadata.evil.test': ['169.254.169.254'],
    'intranet.evil.test': ['93.184.216.34', '10.0.0.1'], // one bad address is enough to refuse
    'router.evil.test': ['192.168.1.10'],
    'v6.evil.test': ['fd00::1'],
    'mapped.evil.test': ['::ffff:10.0.0.1'],
    'hooks.example.com': ['93.184.216.34'],
  };
  const resolver: HostResolver = async (host) => {
    const list = names[host];
    if (!list) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const guard = new WebhookUrlGuard([], resolver);

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/hook',
    'https://192.168.1.10/hook',
    'http://127.0.0.1:8080/',
    'http://[::1]/',
    'http://100.64.0.1/',
    'http://[fd12:3456::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:169.254.169.254]/',
    'https://metadata.evil.test/',
    'https://intranet.evil.test/',
    'https://router.evil.test/',
    'https://v6.evil.test/',
    'https://mapped.evil.test/',
  ])('refuses %s', async (url) => {
    await expect(guard.check(url)).rejects.toBeInstanceOf(WebhookUrlRefused);
  });

  it('refuses a name that resolves to loopback with the system resolver (localhost)', async () => {
    await expect(new WebhookUrlGuard().check('http://localhost:9/hook')).rejects.toThrow(/private, loopback/);
  });

  it('refuses other schemes, credentials and names that do not resolve', async () => {
    await expect(guard.check('ftp://hooks.example.com/')).rejects.toThrow(/http/);
    await expect(guard.check('https://user:pw@hooks.example.com/')).rejects.toThrow(/credentials/);
    await expect(guard.check('https://nowhere.evil.test/')).rejects.toThrow(/does not resolve/);
  });

  it('accepts public addresses and pins the checked one', async () => {
    await expect(guard.check('https://hooks.example.com/x')).resolves.toMatchObject({ address: '93.184.216.34', family: 4 });
    await expect(guard.check('https://93.184.216.34/x')).resolves.toMatchObject({ address: '93.184.216.34' });
  });

  it('WEBHOOK_ALLOWED_HOSTS allows a host name, an address or a CIDR', async () => {
    await expect(new WebhookUrlGuard(['router.evil.test'], resolver).check('https://router.evil.test/')).resolves.toBeTruthy();
    await expect(new WebhookUrlGuard(['10.0.0.1'], resolver).check('http://10.0.0.1/')).resolves.toBeTruthy();
    await expect(new WebhookUrlGuard(['192.168.0.0/16'], resolver).check('http://192.168.1.10/')).resolves.toBeTruthy();
    await expect(new WebhookUrlGuard(['192.168.0.0/16'], resolver).check('http://10.0.0.1/')).rejects.toBeInstanceOf(WebhookUrlRefused);
  });
});

describe('WebhookSender', () => {
  const requests: { path: string; headers: http.IncomingHttpHeaders }[] = [];
  let port = 0;
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    req.resume();
    if (req.url === '/redirect') res.writeHead(302, { location: `http://127.0.0.1:${port}/ok` }).end();
    else if (req.url === '/gone') res.writeHead(410).end('gone');
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 3000);
    else res.writeHead(204).end();
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const message = (url: string) => ({ url, secrets: [generateWebhookSecret()], messageId: 'd1', body: '{"type":"subscription.test"}' });

  it('connects to the address the guard checked, not to a fresh DNS answer', async () => {
    // "hooks.test" exists only in this resolver; the HTTP client never resolves it itself.
    const sender = new WebhookSender(new WebhookUrlGuard(['127.0.0.0/8'], async () => [{ address: '127.0.0.1', family: 4 }]), new WebhookSigner());
    const outcome = await sender.send(message(`http://hooks.test:${port}/ok`));
    expect(outcome).toEqual({ ok: true, status: 204 });
    expect(requests.at(-1)?.headers.host).toBe(`hooks.test:${port}`);
    expect(requests.at(-1)?.headers['webhook-id']).toBe('d1');
  });

  it('re-checks at connect time: a name that now resolves to a private address is refused (rebinding)', async () => {
    let calls = 0;
    const rebinding: HostResolver = async () => [{ address: calls++ === 0 ? '93.184.216.34' : '10.0.0.1', family: 4 }];
    const guard = new WebhookUrlGuard([], rebinding);
    await guard.check('http://rebind.test/hook'); // at save time it looked public
    const before = requests.length;
    const outcome = await new WebhookSender(guard, new WebhookSigner()).send(message('http://rebind.test/hook'));
    expect(outcome).toMatchObject({ ok: false, gone: false, error: expect.stringContaining('URL refused') });
    expect(requests.length).toBe(before);
  });

  const local = () => new WebhookSender(new WebhookUrlGuard(['127.0.0.1']), new WebhookSigner(), 1000);

  it('does not follow redirects: a 3xx is a failure', async () => {
    const before = requests.length;
    const outcome = await local().send(message(`http://127.0.0.1:${port}/redirect`));
    expect(outcome).toMatchObject({ ok: false, status: 302, gone: false, error: expect.stringContaining('redirect 302 not followed') });
    expect(requests.length).toBe(before + 1);
  });

  it('410 means gone; a timeout and a refused connection are failures', async () => {
    expect(await local().send(message(`http://127.0.0.1:${port}/gone`))).toMatchObject({ ok: false, status: 410, gone: true });
    expect(await local().send(message(`http://127.0.0.1:${port}/slow`))).toMatchObject({ ok: false, status: null, error: expect.stringContaining('no answer within 1 s') });
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await local().send(message(`http://127.0.0.1:${closedPort}/`))).toMatchObject({ ok: false, status: null, error: expect.stringContaining('ECONNREFUSED') });
  });
});
