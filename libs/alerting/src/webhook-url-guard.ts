import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (injectable for tests). */
export type HostResolver = (host: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** A webhook target that passed the guard: connect to `address`, never re-resolve the name. */
export interface CheckedWebhookTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export class WebhookUrlRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookUrlRefused';
  }
}

/** Addresses a webhook may not reach: private, loopback, link-local (incl. cloud metadata), CGNAT, ULA, … */
const FORBIDDEN = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, 169.254.169.254 metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // old site-local
  ['ff00::', 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(net, bits, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  return null;
}

/**
 * SSRF guard for webhook URLs, applied when a subscription is saved and again before every
 * connection: the host is resolved, every address it resolves to must be public (or allowed by
 * WEBHOOK_ALLOWED_HOSTS: a host name, an address or a CIDR), and the sender connects to the
 * address checked here, so a DNS answer that changes in between (rebinding) cannot redirect it.
 */
export class WebhookUrlGuard {
  private readonly allowedHosts = new Set<string>();
  private readonly allowedAddresses = new BlockList();

  constructor(
    allowed: string[] = [],
    private readonly resolve: HostResolver = systemResolver,
  ) {
    for (const entry of allowed) {
      const [addr, bits] = entry.split('/');
      const family = isIP(addr);
      if (family === 0) this.allowedHosts.add(entry.toLowerCase());
      else if (bits !== undefined) this.allowedAddresses.addSubnet(addr, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
      else this.allowedAddresses.addAddress(addr, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  async check(urlText: string): Promise<CheckedWebhookTarget> {
    let url: URL;
    try {
      url = new URL(urlText);
    } catch {
      throw new WebhookUrlRefused('is not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebhookUrlRefused('must be an http(s) URL');
    if (url.username || url.password) throw new WebhookUrlRefused('must not contain credentials');
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (!host) throw new WebhookUrlRefused('has no host');

    let addresses: ResolvedAddress[];
    const literal = isIP(host);
    if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
    else {
      try {
        addresses = await this.resolve(host);
      } catch (err) {
        throw new WebhookUrlRefused(`host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      if (addresses.length === 0) throw new WebhookUrlRefused(`host ${host} does not resolve`);
    }
    const hostAllowed = this.allowedHosts.has(host);
    for (const a of addresses) {
      if (!hostAllowed && this.isForbidden(a)) {
        throw new WebhookUrlRefused(
          `${host === a.address ? host : `${host} (${a.address})`} is a private, loopback, link-local or reserved address; add it to WEBHOOK_ALLOWED_HOSTS to allow it`,
        );
      }
    }
    return { url, address: addresses[0].address, family: addresses[0].family };
  }

  private isForbidden(a: ResolvedAddress): boolean {
    const v4 = a.family === 6 ? embeddedIpv4(a.address) : null;
    const [address, type] = v4 ? [v4, 'ipv4' as const] : [a.address, a.family === 6 ? ('ipv6' as const) : ('ipv4' as const)];
    if (this.allowedAddresses.check(address, type)) return false;
    return FORBIDDEN.check(address, type);
  }
}
