import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { AppError } from '@switchboard/errors';

export interface UrlFetchOptions {
  /** Largest body read, in bytes; a larger page is refused. */
  maxBytes: number;
  /** Whole fetch, redirects included (ms). */
  timeoutMs: number;
  /**
   * Lets the fetch reach loopback, private and link-local addresses (`KNOWLEDGE_URL_ALLOW_PRIVATE`).
   * Off in production: a URL import must not become a way to read the hub's own network.
   */
  allowPrivate: boolean;
  /** Redirects followed at most (default 3), each checked like the first URL. */
  maxRedirects?: number;
}

export interface FetchedPage {
  url: string;
  contentType: string;
  body: Buffer;
}

/** Addresses no URL import may reach unless private addresses are allowed. */
const privateRanges = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) privateRanges.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv6');
}

/** True for an address a public URL import must not reach (loopback, private, link-local, …). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return privateRanges.check(mapped, 'ipv4');
  return privateRanges.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

const refuse = (problem: string, cause?: unknown) =>
  new AppError('SB_ERR_VALIDATION', { message: `The URL ${problem}.`, issues: [{ path: '/url', message: problem }], ...(cause === undefined ? {} : { cause }) });

/**
 * Fetches one web page for the knowledge base: http or https only, public addresses only
 * (checked on the address actually connected to, so a DNS name cannot point the hub at its own
 * network), redirects re-checked, the body capped and the whole fetch timed out. Every way it
 * can fail is a `SB_ERR_VALIDATION` on `/url` saying why.
 */
export async function fetchPage(rawUrl: string, options: UrlFetchOptions): Promise<FetchedPage> {
  const deadline = Date.now() + options.timeoutMs;
  let url = parseUrl(rawUrl);
  for (let redirects = 0; ; redirects += 1) {
    const response = await request(url, options, deadline);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location !== undefined) {
      response.resume();
      if (redirects >= (options.maxRedirects ?? 3)) throw refuse('redirects too many times');
      url = parseUrl(new URL(location, url).toString());
      continue;
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw refuse(`answered HTTP ${status}, not a page`);
    }
    const body = await readCapped(response, options.maxBytes, deadline);
    return { url: url.toString(), contentType: String(response.headers['content-type'] ?? ''), body };
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw refuse('is not a valid URL', error);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('must be http or https');
  if (url.username !== '' || url.password !== '') throw refuse('must not carry a user name or password');
  return url;
}

function request(url: URL, options: UrlFetchOptions, deadline: number): Promise<IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // Node connects to a literal IP without calling `lookup`, so that case is checked here.
  if (isIP(host) !== 0 && !options.allowPrivate && isPrivateAddress(host)) {
    return Promise.reject(refuse('points at a private or loopback address, which imports may not reach'));
  }
  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = options.allowPrivate ? addresses : addresses.filter((entry) => !isPrivateAddress(entry.address));
      if (allowed.length === 0) return callback(refuse('points at a private or loopback address, which imports may not reach'), '', 0);
      if (lookupOptions.all) return (callback as unknown as (err: null, all: LookupAddress[]) => void)(null, allowed);
      const [first] = allowed;
      return callback(null, first?.address ?? '', first?.family ?? 4);
    });
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(refuse('took too long to answer'));
    const req = client.get(url, {
      lookup: guardedLookup,
      timeout: remaining,
      headers: { accept: 'text/html, application/xhtml+xml, text/plain;q=0.8', 'user-agent': 'Switchboard knowledge import' },
    }, resolve);
    req.on('timeout', () => req.destroy(refuse('took too long to answer')));
    req.on('error', (error) => reject(error instanceof AppError ? error : refuse(`could not be fetched (${error.message})`, error)));
  });
}

function readCapped(response: IncomingMessage, maxBytes: number, deadline: number): Promise<Buffer> {
  const declared = Number(response.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    return Promise.reject(refuse(`is larger than ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => response.destroy(refuse('took too long to answer')), Math.max(1, deadline - Date.now()));
    response.on('data', (part: Buffer) => {
      size += part.length;
      if (size > maxBytes) response.destroy(refuse(`is larger than ${maxBytes} bytes`));
      else parts.push(part);
    });
    response.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(parts));
    });
    response.on('error', (error) => {
      clearTimeout(timer);
      reject(error instanceof AppError ? error : refuse(`could not be read (${error.message})`, error));
    });
    response.on('close', () => {
      clearTimeout(timer);
      if (!response.complete) reject(refuse('closed the connection before the page was complete'));
    });
  });
}
