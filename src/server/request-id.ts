import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

// Short printable ASCII without spaces: safe in a log line and in the echoed response header.
const ACCEPTABLE = /^[\x21-\x7E]{1,64}$/;

// proxy-addr's names (Fastify's trustProxy accepts them too).
const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** The --trust-proxy entries (addresses, CIDRs, or loopback/linklocal/uniquelocal) as a BlockList. */
function trustedPeers(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries.flatMap((value) => NAMED[value] ?? [value])) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) === 0) continue;
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

function fromTrustedPeer(request: IncomingMessage, peers: BlockList): boolean {
  let address = request.socket.remoteAddress;
  if (address === undefined) return false;
  // An IPv4 client on a dual-stack socket: ::ffff:127.0.0.1.
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) address = address.slice(7);
  return peers.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Fastify's genReqId: a random UUID (122 random bits), unique across workers, instances and
 * restarts, unlike Fastify's per-process counter. A request from a trusted proxy (--trust-proxy:
 * the peer is one of its addresses) keeps the proxy's X-Request-Id when it is short printable
 * ASCII, so one id follows the request through the proxy's logs and ours; anyone else's is ignored.
 */
export function requestIdGenerator(trustProxy: readonly string[]): (request: IncomingMessage) => string {
  const peers = trustProxy.length > 0 ? trustedPeers(trustProxy) : undefined;
  return (request) => {
    if (peers) {
      const given = request.headers['x-request-id'];
      if (typeof given === 'string' && ACCEPTABLE.test(given) && fromTrustedPeer(request, peers)) return given;
    }
    return randomUUID();
  };
}
