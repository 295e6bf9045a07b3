import { createHmac } from "node:crypto";

/**
 * Webhook signatures in Stripe's scheme: `Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256
 * of "<t>.<body>" keyed by the webhook's secret>`. The timestamp is signed with the body, so a
 * receiver that refuses old timestamps refuses replays. The README's "Connecting a registry" shows
 * a receiver's check, and the webhook tests run that very snippet.
 */
export function signature(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}
