import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import ipaddr from "ipaddr.js";
import { Agent } from "undici";

/**
 * Where webhooks may send: http(s) URLs of public addresses. Private, loopback, link-local and
 * other special addresses are refused (a webhook must not reach into the network the server runs
 * in), unless the operator allows them (`WEBHOOK_ALLOW_PRIVATE=true`, for tests and private
 * deployments). The check is made when a webhook is registered and again on every connection,
 * after DNS resolution, so a name that later resolves inward is refused too.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === "unicast";
}

/** Why a URL cannot be a webhook target, or undefined if it can (its host is checked on connection). */
export function urlProblem(text: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "must be an absolute URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http or https URL";
  if (url.username || url.password) return "must not carry credentials";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && ipaddr.isValid(host) && !isPublicAddress(host)) {
    return "must not be a private, loopback or link-local address";
  }
  if (!allowPrivate && (host === "localhost" || host.endsWith(".localhost"))) return "must not be localhost";
  return undefined;
}

export class PrivateTarget extends Error {}

/**
 * The connections deliveries go through: no private target unless allowed, a bounded time to
 * connect, and no keep-alive beyond the delivery run.
 */
export function webhookAgent(allowPrivate: boolean, timeoutMs: number): Agent {
  const lookup = (
    hostname: string,
    options: object,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const refused = allowPrivate ? [] : list.filter((a) => !isPublicAddress(a.address));
      if (refused.length > 0) {
        return callback(new PrivateTarget(`${hostname} resolves to a private address`), []);
      }
      const all = (options as { all?: boolean }).all;
      const first = list[0];
      if (all) return callback(null, list);
      if (!first) return callback(new PrivateTarget(`${hostname} resolves to no address`), []);
      return callback(null, first.address, first.family);
    });
  };
  return new Agent({ connect: { lookup, timeout: timeoutMs }, keepAliveTimeout: 1_000 });
}
