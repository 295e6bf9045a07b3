import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * `webhook_lag`: a receiver in the bench process for the `claim.created` events of the claims
 * scenario; each delivery's lag is the time from the claim's moment (the event's `at`, on the same
 * machine's clock) to its arrival. Answers 200 at once, as a receiver should.
 */
export async function lagReceiver(): Promise<{
  url: string;
  lags: number[];
  until(count: number, ms: number): Promise<void>;
  close(): Promise<void>;
}> {
  const lags: number[] = [];
  const waiting: (() => boolean)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const arrived = Date.now();
      const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { at: string };
      lags.push(arrived - Date.parse(event.at));
      res.writeHead(200).end();
      for (const [i, done] of [...waiting.entries()].reverse()) if (done()) waiting.splice(i, 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bench`,
    lags,
    until: (count, ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        const done = () => {
          if (lags.length < count) return false;
          clearTimeout(timer);
          resolve();
          return true;
        };
        if (!done()) waiting.push(done);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
