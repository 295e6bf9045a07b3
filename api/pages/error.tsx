import { Layout } from "./layout.js";

export function ErrorPage(props: { status: number; title: string; message: string }) {
  return (
    <Layout title={props.title}>
      <h1>{props.title}</h1>
      <p role="alert">{props.message}</p>
      <p class="muted">HTTP {props.status}</p>
      <p>
        <a href="/">Search again</a>
      </p>
    </Layout>
  );
}
