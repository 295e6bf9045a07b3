import createFetchClient, { type Client } from "openapi-fetch";
import type { paths } from "./schema.js";

/**
 * A typed client for the whole API (`import { createClient } from "jcm-bridge/client"`): every
 * path, parameter, body and answer typed from the OpenAPI document (openapi-fetch over the types
 * openapi-typescript generates). Answers come back as `{ data }` or `{ error }` (the problem
 * document), never thrown.
 */
export type { components, paths } from "./schema.js";

export interface ClientOptions {
  /** Where the service is, e.g. `https://jcm-bridge.example`. */
  baseUrl: string;
  /** An API key (`jcmk_…`) for the calls that need one. */
  apiKey?: string | undefined;
  /** Another fetch (a test's, a proxy's). */
  fetch?: typeof globalThis.fetch | undefined;
}

export type JcmBridgeClient = Client<paths>;

export function createClient(options: ClientOptions): JcmBridgeClient {
  return createFetchClient<paths>({
    baseUrl: options.baseUrl.replace(/\/$/, ""),
    ...(options.apiKey ? { headers: { authorization: `Bearer ${options.apiKey}` } } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
