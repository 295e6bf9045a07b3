import { InvalidSerials } from "./errors.js";

/**
 * The canonical JCM serial form of DESIGN.md, kept in this one module so that a registry's real
 * format can be mapped in later:
 *   JCM-<registry>-<project>-<vintage>-<start>-<end>   or   JCM-<registry>-<project>-<vintage>-<n>
 */
export interface SerialRange {
  registry: string;
  project: string;
  vintage: number;
  start: bigint;
  end: bigint;
}

export const MIN_UNIT = 1n;
export const MAX_UNIT = 2n ** 53n - 1n;
export const MAX_SERIALS_LENGTH = 80;

const REGISTRY = /^[A-Z]{2}$/;
const PROJECT = /^[A-Z]{2}[0-9]{3}$/;
const VINTAGE = /^[1-9][0-9]{3}$/;
const DIGITS = /^[0-9]+$/;

export function parseUnitNumber(text: string, name: string): bigint | string {
  if (text === "") return `${name} is empty`;
  if (!DIGITS.test(text)) return `${name} "${text.slice(0, 24)}" must be an unsigned decimal integer`;
  if (text.length > 1 && text.startsWith("0")) return `${name} "${text.slice(0, 24)}" must not have leading zeros`;
  if (text.length > 16) return `${name} exceeds 2^53-1`;
  const n = BigInt(text);
  if (n < MIN_UNIT) return `${name} must be at least 1`;
  if (n > MAX_UNIT) return `${name} exceeds 2^53-1`;
  return n;
}

/** Parses one canonical range, or explains exactly which part is wrong. */
export function tryParseSerials(input: string): SerialRange | string {
  if (input.length === 0) return "serials must not be empty";
  if (input.length > MAX_SERIALS_LENGTH) return `serials must be at most ${MAX_SERIALS_LENGTH} characters`;
  if (!input.startsWith("JCM-")) return 'serials must start with "JCM-"';
  const parts = input.split("-");
  if (parts.length !== 5 && parts.length !== 6) {
    if (parts.includes(""))
      return 'a part is empty: parts are separated by one "-" and unit numbers cannot be negative';
    return "expected JCM-<registry>-<project>-<vintage>-<start>[-<end>], e.g. JCM-JP-MN006-2019-1001-1500";
  }
  const [, registry = "", project = "", vintageText = "", startText = "", endText] = parts;
  if (!REGISTRY.test(registry)) {
    return `registry "${registry.slice(0, 8)}" must be an ISO 3166-1 alpha-2 code in capitals, e.g. JP`;
  }
  if (!PROJECT.test(project)) {
    return `project "${project.slice(0, 8)}" must be a JCM project reference: two capitals and three digits, e.g. MN006`;
  }
  if (!VINTAGE.test(vintageText)) return `vintage "${vintageText.slice(0, 8)}" must be a four-digit year`;
  const start = parseUnitNumber(startText, "start");
  if (typeof start === "string") return start;
  const end = endText === undefined ? start : parseUnitNumber(endText, "end");
  if (typeof end === "string") return end;
  if (start > end) return `start ${start} is greater than end ${end}`;
  return { registry, project, vintage: Number(vintageText), start, end };
}

export function parseSerials(input: string, path = "serials"): SerialRange {
  const parsed = tryParseSerials(input);
  if (typeof parsed === "string") throw new InvalidSerials(input, parsed, path);
  return parsed;
}

export function formatSerials(r: SerialRange): string {
  const head = `JCM-${r.registry}-${r.project}-${r.vintage}-${r.start}`;
  return r.start === r.end ? head : `${head}-${r.end}`;
}

export function quantityOf(r: { start: bigint; end: bigint }): bigint {
  return r.end - r.start + 1n;
}
