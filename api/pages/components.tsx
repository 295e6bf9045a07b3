import type { UnitState } from "../ledger/core/segments.js";
import { useUi } from "./i18n.js";

export const STATE_COLORS: Record<UnitState, string> = {
  in_registry: "#6b7785",
  held: "#2563eb",
  tokenized: "#7c3aed",
  claimed: "#047857",
  government_used: "#b45309",
  cancelled: "#9f1239",
};

export function StateBadge(props: { state: UnitState }) {
  const { t } = useUi();
  return <span class={`badge state-${props.state}`}>{t.states[props.state]}</span>;
}

/** Block explorers of public chains; a local or unknown chain shows the bare hash. */
const EXPLORERS: Record<number, string> = {
  1: "https://etherscan.io",
  11155111: "https://sepolia.etherscan.io",
  137: "https://polygonscan.com",
  80002: "https://amoy.polygonscan.com",
};

export function TxLink(props: { chainId: number | null; hash: string }) {
  const base = props.chainId === null ? undefined : EXPLORERS[props.chainId];
  return base ? (
    <a class="hash" href={`${base}/tx/${props.hash}`} rel="noopener noreferrer">
      {props.hash}
    </a>
  ) : (
    <span class="hash">{props.hash}</span>
  );
}
