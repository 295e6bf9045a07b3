import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  id: string;
  body: string;
  signature: string;
  /** What the receiver did with it. */
  answer: number | "hung up" | "held";
}

/**
 * A webhook receiver on a local port, as a registry would run one: it records every request and
 * answers as the test tells it (`answer`, per event id and attempt). `held` keeps a request open
 * until `release()`, to stand for a receiver whose acknowledgement never reaches the sender.
 */
export class Receiver {
  readonly received: Received[] = [];
  answer: (id: string, attempt: number) => number | "hang up" | "hold" = () => 200;
  private readonly held: ServerResponse[] = [];
  private waiting: (() => boolean)[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<Receiver> {
    let self: Receiver | undefined;
    const server = createServer((req, res) => self?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    self = new Receiver(server, `http://127.0.0.1:${port}/hooks`);
    return self;
  }

  /** Resolves once `count` requests have arrived, or been answered 2xx with `acknowledged`. */
  until(count: number, options: { acknowledged?: boolean } = {}): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        const seen = options.acknowledged ? this.acknowledged().length : this.received.length;
        if (seen < count) return false;
        resolve();
        return true;
      };
      if (!done()) this.waiting.push(done);
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const id = String(req.headers["webhook-id"]);
      const attempt = this.received.filter((r) => r.id === id).length + 1;
      const answer = this.answer(id, attempt);
      const body = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["webhook-signature"]);
      if (answer === "hang up") {
        this.received.push({ id, body, signature, answer: "hung up" });
        req.socket.destroy();
      } else if (answer === "hold") {
        this.received.push({ id, body, signature, answer: "held" });
        this.held.push(res);
      } else {
        this.received.push({ id, body, signature, answer });
        res.writeHead(answer, { "content-type": "text/plain" }).end(answer < 300 ? "ok" : "x".repeat(5000));
      }
      this.waiting = this.waiting.filter((done) => !done());
    });
  }

  /** The event ids the receiver acknowledged with a 2xx, each as often as it did. */
  acknowledged(): string[] {
    return this.received.flatMap((r) => (typeof r.answer === "number" && r.answer < 300 ? [r.id] : []));
  }

  /** Answers the held requests with a failure, too late for the sender that gave up on them. */
  release() {
    for (const res of this.held.splice(0)) res.writeHead(500).end("late");
  }

  close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
