import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Context, TypedResponse } from "hono";

/** How much is serialised between two yields: items weigh 1 each unless the caller says more. */
const WEIGHT_PER_SLICE = 2_000;

/**
 * `c.json({ [key]: items })` for a large answer: written a slice at a time with the event loop free
 * in between, so the answer never holds up the requests that arrive while it is written. `weight`
 * says how large an item is (the parts of a status, say) relative to a small one.
 */
export async function slicedJson<K extends string, I>(
  c: Context,
  key: K,
  items: readonly I[],
  weight: (item: I) => number = () => 1,
): Promise<TypedResponse<{ [k in K]: I[] }, 200, "json">> {
  const pieces: string[] = [];
  let load = 0;
  for (const item of items) {
    if (load >= WEIGHT_PER_SLICE) {
      await yieldToLoop();
      load = 0;
    }
    pieces.push(JSON.stringify(item));
    load += weight(item);
  }
  const response = c.body(`{${JSON.stringify(key)}:[${pieces.join(",")}]}`, 200, {
    "content-type": "application/json",
  });
  // The body is the JSON of exactly this type, serialized in slices instead of by c.json.
  return response as unknown as TypedResponse<{ [k in K]: I[] }, 200, "json">;
}
