import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";
import { sealEverything } from "../helpers/seal.js";

interface FeedEvent {
  id: string;
  type: string;
  seq: number;
  serials: string[];
  data: Record<string, unknown>;
}

/** A Server-Sent Events stream read event by event, as a client reads it. */
class Stream {
  private buffer = "";
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.reader = (response.body as ReadableStream<Uint8Array>).getReader();
  }
  /** The next message of the stream: waits for it, however long the server takes. */
  async next(): Promise<{ event: string; id?: string; data: Record<string, unknown> }> {
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split("\n")
            .find((l) => l.startsWith(`${name}:`))
            ?.slice(name.length + 1)
            .trim();
        const id = field("id");
        return { event: field("event") ?? "message", ...(id ? { id } : {}), data: JSON.parse(field("data") ?? "{}") };
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error("the stream ended");
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }
  /** The next event that is not a heartbeat or the greeting. */
  async nextEvent(): Promise<FeedEvent & { streamId: string | undefined }> {
    for (;;) {
      const m = await this.next();
      if (m.event !== "heartbeat" && m.event !== "ready")
        return { ...(m.data as unknown as FeedEvent), streamId: m.id };
    }
  }
  /** Drops the connection, as a client that goes away does. */
  async close() {
    await this.reader.cancel();
    this.abort.abort();
  }
}

/**
 * The event feed: every change of the ledger as a typed event, in journal order, sealed entries
 * only, filtered, paged by cursor, and as Server-Sent Events that resume after a dropped
 * connection. Each test makes its own issuance and reads from the journal's end before it began.
 */
describe.runIf(databaseAvailable())("the event feed", () => {
  let t: TestContext;
  let company: Org;
  let mongolia: Org;
  beforeAll(async () => {
    t = await testContext();
    company = await t.org("company", "JP", "Feed K.K.");
    mongolia = await t.org("government", "MN");
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  const feed = async (query: string) => {
    const r = await t.call("GET", `/v1/events?${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { data: FeedEvent[]; nextCursor: string; caughtUp: boolean };
  };
  /** Where the feed stands now: a test reads only what it did after this. */
  const cursorNow = async () => {
    await sealEverything(t.deps);
    let page = await feed("limit=500");
    while (!page.caughtUp) page = await feed(`limit=500&after=${page.nextCursor}`);
    return page.nextCursor;
  };
  const claim = (iss: Issued, from: number, to: number) =>
    t.call("POST", "/v1/claims", {
      key: company.key,
      body: {
        serials: [iss.serials(from, to)],
        beneficiary: { name: "Feed beneficiary", country: "JP" },
        claimType: "contribution",
        purpose: "Feed",
        period: { start: "2025-01-01", end: "2025-12-31" },
      },
    });

  it("gives every change as a typed event, in journal order, once sealed, with its ids, serials, hash and seq", async () => {
    const from = await cursorNow();
    const iss = await t.held(company);
    const c = await claim(iss, 1, 10);
    expect(c.status).toBe(201);
    // Not sealed yet: a cursor past an entry still being written elsewhere would skip it, so none is shown.
    expect((await feed(`after=${from}`)).data.find((e) => e.type === "claim.created")).toBeUndefined();
    await sealEverything(t.deps);
    const page = await feed(`after=${from}`);
    expect(page.caughtUp).toBe(true);
    const mine = page.data.filter((e) => e.serials.some((s) => s.startsWith(iss.prefix)) || e.data.ref === iss.project);
    expect(mine.map((e) => e.type)).toEqual([
      "project.created",
      "issuance.created",
      "deposit.created",
      "claim.created",
    ]);
    const created = mine.at(-1) as FeedEvent;
    expect(created).toMatchObject({
      id: `evt_${created.seq}`,
      serials: [iss.serials(1, 10)],
      data: { claimId: c.body.id, claimant: company.id },
    });
    expect(c.body.certificate.journalSeq).toBe(created.seq);
    const seqs = page.data.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it("filters by type, registry, host country and project, and pages by cursor without gaps or repeats", async () => {
    const from = await cursorNow();
    const mn = await t.held(company);
    const id = await t.held(company, { hostCountry: "ID" });
    for (let i = 1; i <= 5; i++) expect((await claim(mn, i, i)).status).toBe(201);
    expect((await claim(id, 1, 3)).status).toBe(201);
    await sealEverything(t.deps);
    const claims = await feed(`after=${from}&types=claim.created`);
    expect(claims.data.map((e) => e.type)).toEqual(Array(6).fill("claim.created"));
    const byProject = await feed(`after=${from}&projectRef=${id.project}`);
    expect(byProject.data.map((e) => e.type)).toEqual([
      "project.created",
      "issuance.created",
      "deposit.created",
      "claim.created",
    ]);
    const byHost = await feed(`after=${from}&hostCountry=ID&types=claim.created,deposit.created`);
    expect(byHost.data.map((e) => e.serials)).toEqual([[id.serials(1, 100)], [id.serials(1, 3)]]);
    expect((await feed(`after=${from}&registry=KR`)).data).toEqual([]);
    // Two at a time, the cursor carries on exactly where the last page stopped.
    const paged: FeedEvent[] = [];
    let cursor = from;
    for (;;) {
      const page = await feed(`after=${cursor}&types=claim.created&limit=2`);
      paged.push(...page.data);
      cursor = page.nextCursor;
      if (page.caughtUp && page.data.length < 2) break;
    }
    expect(paged.map((e) => e.id)).toEqual(claims.data.map((e) => e.id));
  });

  it("refuses unknown event types and a malformed cursor", async () => {
    const bad = await t.call("GET", "/v1/events?types=claim.created,claim.deleted");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toContain("claim.deleted");
    expect((await t.call("GET", "/v1/events?after=-1")).status).toBe(400);
    const header = await t.call("GET", "/v1/events", { headers: { "last-event-id": "yesterday" } });
    expect(header.status).toBe(400);
  });

  const open = async (query: string, headers: Record<string, string> = {}) => {
    const abort = new AbortController();
    const response = await t.app.request(`/v1/events?${query}`, {
      headers: { accept: "text/event-stream", ...headers },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    return new Stream(response, abort);
  };

  it("streams the feed as Server-Sent Events, new events as they are sealed, and resumes with Last-Event-ID", async () => {
    const from = await cursorNow();
    const iss = await t.held(company, { deposited: 50 });
    expect((await claim(iss, 1, 1)).status).toBe(201);
    await sealEverything(t.deps);
    const stream = await open(`after=${from}&projectRef=${iss.project}&types=claim.created,government_report.ndc_use`);
    const first = await stream.nextEvent();
    expect(first).toMatchObject({ type: "claim.created", serials: [iss.serials(1)] });
    expect(first.streamId).toBe(String(first.seq));
    // A change made while the client listens reaches it once the journal is sealed.
    expect((await claim(iss, 2, 2)).status).toBe(201);
    await sealEverything(t.deps);
    const second = await stream.nextEvent();
    expect(second.serials).toEqual([iss.serials(2)]);
    await stream.close();
    // The connection drops; meanwhile more happens. The client reconnects with the last id it saw.
    expect((await claim(iss, 3, 3)).status).toBe(201);
    const report = await t.call("POST", "/v1/government-reports", {
      key: mongolia.key,
      body: { kind: "ndc_use", year: 2025, reference: "feed", serials: [iss.serials(90, 100)] },
    });
    expect(report.status).toBe(201);
    await sealEverything(t.deps);
    const resumed = await open(`projectRef=${iss.project}&types=claim.created,government_report.ndc_use`, {
      "last-event-id": String(second.seq),
    });
    const third = await resumed.nextEvent();
    const fourth = await resumed.nextEvent();
    expect([third.serials, fourth.type]).toEqual([[iss.serials(3)], "government_report.ndc_use"]);
    await resumed.close();
  });

  it("keeps the streams of one client few: the fourth at once is refused with 429", async () => {
    // A client is its API key where it sends one: this test's streams are its own.
    const reader = await t.org("company", "JP", "Stream reader");
    const auth = { authorization: `Bearer ${reader.key}` };
    const streams = [await open("", auth), await open("", auth), await open("", auth)];
    const fourth = await t.app.request("/v1/events", { headers: { accept: "text/event-stream", ...auth } });
    expect(fourth.status).toBe(429);
    expect((await fourth.json()).code).toBe("rate_limited");
    for (const s of streams) await s.close();
    // A dropped connection frees its place: the client streams again.
    const again = await open("", auth);
    await again.close();
  });
});
