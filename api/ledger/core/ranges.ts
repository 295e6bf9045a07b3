/** Inclusive ranges of unit numbers within one issuance, and the little algebra the ledger needs. */
export interface Range {
  start: bigint;
  end: bigint;
}

export function overlaps(a: Range, b: Range): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function intersect(a: Range, b: Range): Range | undefined {
  const start = a.start > b.start ? a.start : b.start;
  const end = a.end < b.end ? a.end : b.end;
  return start <= end ? { start, end } : undefined;
}

export function byStart(a: Range, b: Range): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}

/** Sorts and joins touching or overlapping ranges. */
export function normalize(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort(byStart);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.start <= last.end + 1n) {
      if (r.end > last.end) last.end = r.end;
    } else {
      out.push({ start: r.start, end: r.end });
    }
  }
  return out;
}

export function total(ranges: readonly Range[]): bigint {
  let sum = 0n;
  for (const r of ranges) sum += r.end - r.start + 1n;
  return sum;
}

/** The units of `from` that are not in `minus`. */
export function subtract(from: readonly Range[], minus: readonly Range[]): Range[] {
  const cut = normalize(minus);
  const out: Range[] = [];
  for (const r of normalize(from)) {
    let start = r.start;
    for (const m of cut) {
      if (m.end < start || m.start > r.end) continue;
      if (m.start > start) out.push({ start, end: m.start - 1n });
      start = m.end + 1n;
    }
    if (start <= r.end) out.push({ start, end: r.end });
  }
  return out;
}
