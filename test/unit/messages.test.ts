import { describe, expect, it } from "vitest";
import { CATALOGUES, LANGS } from "../../api/pages/i18n.js";

/** Every leaf of a catalogue, by its path. */
function leaves(value: unknown, path: string[] = []): { path: string[]; value: unknown }[] {
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [{ path, value }];
}

/** What a leaf holds: a text, or a function of so many arguments. */
const kind = (v: unknown) =>
  typeof v === "function" ? `function/${v.length}` : typeof v === "string" && v.trim() !== "" ? "text" : "empty";

describe("the message catalogues", () => {
  it("have the same keys in every language, each a non-empty text or a function of the same arguments", () => {
    const [first, ...rest] = LANGS.map((l) =>
      leaves(CATALOGUES[l])
        .map((leaf) => `${leaf.path.join(" › ")}: ${kind(leaf.value)}`)
        .sort(),
    );
    for (const other of rest) expect(other).toEqual(first);
    expect(first?.filter((s) => s.endsWith(": empty"))).toEqual([]);
  });

  it("write Japanese in Japanese: a Japanese text equals the English one only where it is a code or a symbol", () => {
    const en = new Map(leaves(CATALOGUES.en).map((leaf) => [leaf.path.join(" › "), leaf.value]));
    const same = leaves(CATALOGUES.ja)
      .filter((leaf) => typeof leaf.value === "string" && leaf.value === en.get(leaf.path.join(" › ")))
      .map((leaf) => leaf.path.join(" › "));
    expect(same.sort()).toEqual(["nav › openapi", "none", "utc"]);
  });
});
