import proxyaddr from '@fastify/proxy-addr';

/** `TRUST_PROXY` as the hub takes it: nobody, everybody, the nearest n hops, or these addresses/CIDRs. */
export type TrustProxy = boolean | number | string | string[];

/**
 * Which hops may name the client in `X-Forwarded-For`, as one function for Fastify's requests
 * and Socket.IO's handshakes alike (a hop count means "the nearest n proxies", which Fastify's
 * own number handling does not do).
 */
export function trustedProxies(trust: TrustProxy): (address: string, hop: number) => boolean {
  if (trust === true) return () => true;
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyaddr.compile(typeof trust === 'string' ? trust.split(',').map((part) => part.trim()) : trust);
}
