import type { Claim } from "../ledger/ops/claims.js";
import type { Project } from "../ledger/ops/projects.js";
import { day, tonnes } from "./components.js";
import { Layout } from "./layout.js";

/** What the search box suggests when the ledger holds nothing yet. */
const GENERIC_EXAMPLE = { serials: "JCM-JP-MN006-2020-1-100", project: "MN006" };

export function HomePage(props: {
  claims: Claim[];
  projects: Project[];
  example: { serials: string; project: string } | undefined;
  error?: string | undefined;
}) {
  const example = props.example ?? GENERIC_EXAMPLE;
  return (
    <Layout title="Search">
      <h1>Where did this tonne go?</h1>
      <p>
        jcm-bridge keeps the authoritative record of every credit of Japan's Joint Crediting Mechanism that enters the
        voluntary carbon market: who holds it, who claimed it, and whether a government counts it toward its NDC. It
        refuses anything that would count one tonne twice.
      </p>
      <form method="get" action="/search" aria-label="Search serials or claims">
        <label for="q">Serial range, claim id or project reference</label>
        <input
          id="q"
          name="q"
          type="search"
          required
          maxlength={120}
          placeholder={example.serials}
          aria-describedby="q-help"
        />
        <button type="submit">Look up</button>
      </form>
      <p id="q-help" class="muted">
        For example <a href={`/serials/${example.serials}`}>{example.serials}</a>, <code>clm_…</code> or{" "}
        <a href={`/projects/${example.project}`}>{example.project}</a>.
      </p>
      {props.error ? (
        <p class="warning" role="alert">
          {props.error}
        </p>
      ) : null}
      <h2>Latest claims</h2>
      {props.claims.length === 0 ? (
        <p class="muted">No claim has been made yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Claim</th>
                <th scope="col">Beneficiary</th>
                <th scope="col">Type</th>
                <th scope="col">Quantity</th>
                <th scope="col">Date</th>
              </tr>
            </thead>
            <tbody>
              {props.claims.map((c) => (
                <tr>
                  <td>
                    <a href={`/claims/${c.id}`}>{c.id}</a>
                  </td>
                  <td>{c.beneficiary.name}</td>
                  <td>{c.claimType}</td>
                  <td>{tonnes(c.quantity)}</td>
                  <td>{day(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Projects</h2>
      {props.projects.length === 0 ? (
        <p class="muted">No project is registered yet.</p>
      ) : (
        <ul>
          {props.projects.map((p) => (
            <li>
              <a href={`/projects/${p.ref}`}>{p.ref}</a> — {p.title} ({p.hostCountry})
            </li>
          ))}
        </ul>
      )}
      <h2>For developers</h2>
      <p>
        The HTTP API is described at <a href="/docs">/docs</a> and as OpenAPI 3.1 at{" "}
        <a href="/openapi.json">/openapi.json</a>. Status, provenance and claims are public.
      </p>
    </Layout>
  );
}
