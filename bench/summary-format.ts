/** Formatting shared by the bench's summaries. Pure. */

export interface Check {
    what: string;
    status: "met" | "NOT MET" | "skipped" | "n/a";
    detail: string;
}

export const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const x = (r: number) => `${r.toFixed(2)}x`;
export const verdict = (ok: boolean): Check["status"] => (ok ? "met" : "NOT MET");

/** Left-aligned columns, two spaces apart, indented by two. */
export function table(header: string[], rows: (string | number)[][]): string {
    const cells = [header, ...rows.map((r) => r.map(String))];
    const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
    return cells.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join("  ")}`.trimEnd()).join("\n");
}

/** 10x the work may cost at most 12x the time; other steps scale the bound: factor x 1.2. */
const GROWTH_SLACK = 1.2;

/** One step of a series: linear when the time grew at most GROWTH_SLACK times as much as the work. */
export function linearStep(what: string, timeRatio: number, work: number, workText: string): Check {
    const bound = work * GROWTH_SLACK;
    return { what, status: verdict(timeRatio <= bound), detail: `${x(timeRatio)} the time for ${workText} (at most ${x(bound)})` };
}
