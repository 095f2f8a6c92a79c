/**
 * Go duration strings (`time.ParseDuration`), the one duration syntax of the project: Istio's CRDs (CEL
 * `duration()`), cert-manager's `duration`/`renewBefore` and the program's config all take it. Each reader
 * adds its own bounds (Istio's 1ms minimum, cert-manager's 1h); none has its own grammar.
 */

const UNIT_NS: Record<string, number> = {
    ns: 1,
    us: 1e3,
    µs: 1e3,
    μs: 1e3,
    ms: 1e6,
    s: 1e9,
    m: 60e9,
    h: 3600e9,
};

/**
 * Parses `1h30m`, `2.5s`, `500ms`, `0`, `-1s` into nanoseconds; undefined when the text is not a duration
 * (for example `5` without a unit, or `1d`).
 */
export function parseDuration(text: string): number | undefined {
    let s = text;
    if (s === "0" || s === "+0" || s === "-0") return 0;
    let sign = 1;
    if (s.startsWith("-") || s.startsWith("+")) {
        if (s[0] === "-") sign = -1;
        s = s.slice(1);
    }
    if (s === "") return undefined;
    const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
    let total = 0;
    let pos = 0;
    while (pos < s.length) {
        re.lastIndex = pos;
        const m = re.exec(s);
        if (!m) return undefined;
        total += parseFloat(m[1]) * UNIT_NS[m[2]];
        pos = re.lastIndex;
    }
    return sign * total;
}

/** Milliseconds in a Go duration, or undefined when the text is not one. */
export function durationMs(text: string): number | undefined {
    const ns = parseDuration(text);
    return ns === undefined ? undefined : ns / 1e6;
}

/** Whether `text` is a Go duration. */
export function isDuration(text: string): boolean {
    return parseDuration(text) !== undefined;
}

/** Nanoseconds per millisecond and per hour, for readable comparisons. */
export const MS = 1e6;
export const HOUR = 3600e9;
export const MINUTE = 60e9;

/** A duration in nanoseconds as Go prints it, roughly (`2160h0m0s` → `2160h`): used in messages. */
export function formatDuration(ns: number): string {
    if (ns === 0) return "0s";
    const parts: string[] = [];
    let rest = Math.abs(ns);
    for (const [unit, size] of [
        ["h", 3600e9],
        ["m", 60e9],
        ["s", 1e9],
        ["ms", 1e6],
        ["us", 1e3],
        ["ns", 1],
    ] as const) {
        if (rest >= size) {
            const n = Math.floor(rest / size);
            parts.push(`${n}${unit}`);
            rest -= n * size;
        }
    }
    return (ns < 0 ? "-" : "") + parts.join("");
}
