import { localHref, useUi } from "./i18n.js";
import { Layout } from "./layout.js";

export function ErrorPage(props: { status: number; code: string; message: string }) {
  const ui = useUi();
  const { t } = ui;
  const title = props.status === 404 ? (t.error.notFound[props.code] ?? t.error.notFoundTitle) : t.error.cannotShow;
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      <p role="alert">{props.message}</p>
      <p class="muted">HTTP {props.status}</p>
      <p>
        <a href={localHref(ui, "/")}>{t.error.again}</a>
      </p>
    </Layout>
  );
}
