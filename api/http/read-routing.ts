import type { ReadReplica } from "../../db/replica.js";
import { publicRead } from "./public-paths.js";

/** The pass a request is in: on the replica, or once more on the primary after the replica's answer was set aside. */
export type ReadPass = "replica" | "fallback";

const passes = new WeakMap<Request, ReadPass>();

export function readPass(request: Request): ReadPass | undefined {
  return passes.get(request);
}

/**
 * Whether the replica's answer is set aside and the request answered by the primary: a `404` may be
 * a record the replica has not replayed yet (the caller's own claim, read right after its POST),
 * a `503` a replica gone away. Only bodiless reads are asked again; a batch status POST that met a
 * gone replica answers its `503`, and the next request goes to the primary.
 */
export function setAside(request: Request, status: number): boolean {
  return passes.get(request) === "replica" && (status === 404 || status === 503) && request.method !== "POST";
}

/**
 * Sends public reads (`public-reads.ts`) to the replica while it is fresh enough; everything else
 * (writes, and what only an organization may read, such as its holdings) goes to the primary.
 */
export function routeReads<Rest extends unknown[]>(
  fetch: (request: Request, ...rest: Rest) => Response | Promise<Response>,
  replica: ReadReplica,
): (request: Request, ...rest: Rest) => Promise<Response> {
  return async (request, ...rest) => {
    if (!replica.usable() || !publicRead(request.method, new URL(request.url).pathname)) {
      return fetch(request, ...rest);
    }
    passes.set(request, "replica");
    const answer = await fetch(request, ...rest);
    if (answer.status === 503) replica.markDown();
    if (!setAside(request, answer.status)) return answer;
    const again = new Request(request);
    passes.set(again, "fallback");
    return fetch(again, ...rest);
  };
}
