import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import { blockAttestation, type CertificateView, claimFacts } from "./claim.js";
import { day, number } from "./i18n.js";
import type { Messages } from "./messages/en.js";

/**
 * The claim certificate as an A4 PDF (pdfkit): the facts of the HTML certificate, the units with
 * their authorization and corresponding adjustment, the verification data, and a QR code to the
 * public page. Noto Sans JP carries both languages; pdfkit embeds only the glyphs a document uses.
 */
const require = createRequire(import.meta.url);
const FONT_FILES = {
  regular: "@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf",
  bold: "@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf",
} as const;
let fonts: Record<keyof typeof FONT_FILES, Buffer> | undefined;

/** Read once, on the first certificate: 5 MB each, not needed by a server that never prints one. */
function fontData(): Record<keyof typeof FONT_FILES, Buffer> {
  fonts ??= {
    regular: readFileSync(require.resolve(FONT_FILES.regular)),
    bold: readFileSync(require.resolve(FONT_FILES.bold)),
  };
  return fonts;
}

const ACCENT = "#0b6e4f";
const MUTED = "#52625a";
const LABEL_WIDTH = 150;

export async function certificatePdf(view: CertificateView, t: Messages, publicUrl: string): Promise<Buffer> {
  const c = view.claim;
  const cert = c.certificate;
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: {
      Title: `${t.claim.heading} ${c.id}`,
      Author: "jcm-bridge",
      Subject: t.claim.title(c.id),
      CreationDate: new Date(c.createdAt),
    },
    lang: t.intl,
  });
  const { regular, bold } = fontData();
  doc.registerFont("regular", regular);
  doc.registerFont("bold", bold);
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const qr = await QRCode.toBuffer(publicUrl, { type: "png", margin: 1, width: 240, errorCorrectionLevel: "M" });
  const qrSize = 90;
  doc.image(qr, doc.page.width - doc.page.margins.right - qrSize, doc.page.margins.top, { width: qrSize });
  doc
    .font("bold")
    .fontSize(20)
    .fillColor(ACCENT)
    .text(t.claim.heading, { width: width - qrSize - 10 });
  doc
    .font("regular")
    .fontSize(9)
    .fillColor(MUTED)
    .text("jcm-bridge", { width: width - qrSize - 10 });
  doc.text(`${t.claim.publicPage}: ${publicUrl}`, { width: width - qrSize - 10, link: publicUrl });
  doc.y = Math.max(doc.y, doc.page.margins.top + qrSize) + 12;

  const fact = (label: string, value: string) => {
    const top = doc.y;
    doc.font("bold").fontSize(10).fillColor("#1b2a22").text(label, doc.page.margins.left, top, { width: LABEL_WIDTH });
    const labelBottom = doc.y;
    doc.font("regular").text(value, doc.page.margins.left + LABEL_WIDTH, top, { width: width - LABEL_WIDTH });
    doc.y = Math.max(doc.y, labelBottom) + 3;
  };
  const heading = (text: string) => {
    doc.moveDown(0.6);
    doc.font("bold").fontSize(13).fillColor(ACCENT).text(text, doc.page.margins.left, doc.y, { width });
    doc.moveDown(0.2);
  };

  for (const [label, value] of claimFacts(t, c)) fact(label, value);
  if (c.txHash) fact(t.claim.onChain, c.txHash);

  heading(t.claim.units);
  for (const b of view.blocks) {
    const a = blockAttestation(t, b);
    fact(t.table.serials, `${b.serials} (${number(t, b.quantity)})`);
    fact(t.claim.authorization, a.authorization);
    fact(t.claim.adjustment, a.adjustment);
    doc.moveDown(0.3);
  }
  if (view.moreBlocks) fact(t.claim.units, `${t.claim.asJson}: ${publicUrl.replace(/\/claims\//, "/v1/claims/")}`);

  heading(t.claim.projects);
  for (const p of view.projects) {
    fact(t.claim.project, `${p.ref} — ${p.title}`);
    fact(t.claim.hostCountry, p.hostCountry);
    fact(t.claim.methodology, p.methodology);
    if (p.registeredOn) fact(t.claim.registered, day(t, p.registeredOn));
  }

  heading(t.claim.verification);
  fact(t.claim.journalEntry, `${cert.journalSeq} (${cert.hash})`);
  fact(t.claim.root, cert.root ?? t.claim.sealing(cert.sealing?.expectedWithinSeconds ?? 2));
  fact(
    t.claim.proof,
    cert.proof && cert.leafIndex !== null && cert.treeSize !== null
      ? t.claim.proofOf(cert.proof.length, cert.leafIndex, cert.treeSize)
      : t.claim.pending,
  );
  fact(
    t.claim.anchored,
    cert.anchor
      ? `${t.claim.anchoredAt(cert.anchor.chainId)} ${cert.anchor.contract}, ${t.claim.transaction} ${cert.anchor.txHash}`
      : t.claim.notYet,
  );
  doc.moveDown(0.6);
  doc
    .font("regular")
    .fontSize(9)
    .fillColor(MUTED)
    .text(`${t.claim.checkIt}: npm run cli -- verify claim.json --rpc <RPC URL>`, doc.page.margins.left, doc.y, {
      width,
    });
  doc.end();
  return done;
}
