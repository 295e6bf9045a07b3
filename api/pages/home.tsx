import { Layout } from "./layout.js";

/** The public landing page; a later issue turns search into full serial and claim pages. */
export function HomePage() {
  return (
    <Layout title="Search">
      <h1>Where did this tonne go?</h1>
      <p>
        jcm-bridge keeps the authoritative record of every credit of Japan's Joint Crediting Mechanism that enters the
        voluntary carbon market: who holds it, who claimed it, and whether a government counts it toward its NDC. It
        refuses anything that would count one tonne twice.
      </p>
      <form method="get" action="/search" aria-label="Search serials or claims">
        <label for="q">Serial range or claim id</label>
        <input id="q" name="q" type="search" required maxlength={120} placeholder="JCM-JP-MN006-2020-1-100" />
        <button type="submit">Look up</button>
      </form>
      <h2>For developers</h2>
      <p>
        The whole HTTP API is described at <a href="/docs">/docs</a> and as OpenAPI 3.1 at{" "}
        <a href="/openapi.json">/openapi.json</a>. Status and provenance are public:{" "}
        <code>GET /v1/status/JCM-JP-MN006-2020-1-100</code>.
      </p>
    </Layout>
  );
}
