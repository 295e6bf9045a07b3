import { useUi } from "./i18n.js";
import { Layout } from "./layout.js";

interface Operation {
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
  tags?: string[];
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const METHODS = ["get", "post", "put", "patch", "delete"];

/** A self-contained API reference rendered from the generated OpenAPI document: no CDN, works offline. */
export function DocsPage(props: { doc: OpenApiDocument }) {
  const ui = useUi().t;
  const ops = Object.entries(props.doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((m) => (item[m] ? [{ path, method: m, op: item[m] as Operation }] : [])),
  );
  const tags = [...new Set(ops.map((o) => o.op.tags?.[0] ?? "Other"))];
  return (
    <Layout title={ui.docs.title}>
      <h1>
        {props.doc.info.title} {ui.docs.title}
      </h1>
      <p lang="en">{props.doc.info.description}</p>
      <p class="muted">
        {ui.docs.version} {props.doc.info.version}. {ui.docs.machineReadable} <a href="/openapi.json">/openapi.json</a>.{" "}
        {ui.docs.errors}
      </p>
      <p class="muted">{ui.docs.note}</p>
      <nav aria-label="Sections">
        <ul>
          {tags.map((t) => (
            <li>
              <a href={`#${t.replace(/\W+/g, "-")}`}>{t}</a>
            </li>
          ))}
        </ul>
      </nav>
      {tags.map((t) => (
        <section id={t.replace(/\W+/g, "-")}>
          <h2>{t}</h2>
          {ops
            .filter((o) => (o.op.tags?.[0] ?? "Other") === t)
            .map(({ path, method, op }) => (
              <article class="op">
                <h3>
                  <span class="method">{method.toUpperCase()}</span> <code>{path}</code>
                </h3>
                <p>
                  {op.summary}{" "}
                  {op.security?.length ? <strong>{ui.docs.keyRequired}</strong> : <em>{ui.docs.public}</em>}
                </p>
                {op.description ? <p>{op.description}</p> : null}
                {op.parameters?.length ? (
                  <table>
                    <caption class="muted">{ui.docs.parameters}</caption>
                    <tbody>
                      {op.parameters.map((p) => (
                        <tr>
                          <td>
                            <code>{p.name}</code>
                          </td>
                          <td>{p.in}</td>
                          <td>{p.required ? "required" : "optional"}</td>
                          <td>{p.description ?? ""}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
                {op.requestBody?.content
                  ? Object.entries(op.requestBody.content).map(([type, c]) => (
                      <details>
                        <summary>
                          Request body <code>{type}</code>
                        </summary>
                        <pre>{JSON.stringify(c.schema, null, 2)}</pre>
                      </details>
                    ))
                  : null}
                <table>
                  <caption class="muted">{ui.docs.responses}</caption>
                  <tbody>
                    {Object.entries(op.responses ?? {}).map(([status, r]) => (
                      <tr>
                        <td>
                          <code>{status}</code>
                        </td>
                        <td>{r.description}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </article>
            ))}
        </section>
      ))}
      <h2 id="schemas">{ui.docs.schemas}</h2>
      {Object.entries(props.doc.components?.schemas ?? {}).map(([name, schema]) => (
        <details id={`schema-${name}`}>
          <summary>
            <code>{name}</code>
          </summary>
          <pre>{JSON.stringify(schema, null, 2)}</pre>
        </details>
      ))}
    </Layout>
  );
}
