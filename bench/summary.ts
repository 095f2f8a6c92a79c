/** The human summary of `npm run bench`: tables, ratios and each goal, met or not. Pure. */
import type { EngineRun } from "./real-engine";
import { engineChecks } from "./summary-engine";
import { Check, linearStep, s, table, verdict, x } from "./summary-format";
import type { Measurement } from "./measure";
import type { Mode, ProgramPair } from "./program";

export interface Results {
    started: Date;
    loadStart: string;
    loadEnd: string;
    runs: number;
    tsNodeRuns: number;
    configured: Mode;
    pairs: ProgramPair[];
    checker: Measurement[];
    policies: Measurement[];
    istioctl: Measurement[];
    engine: EngineRun[];
    skipped: Check[];
}

/** The goals (docs/benchmarks.md; on the 2-core machine). */
export const GOALS = {
    programMs: 5000,
    programNamespaces: 1000,
    overBaseline: 1.5,
    checker: [
        { size: 10000, ms: 1000 },
        { size: 50000, ms: 5000 },
    ],
    checkerRssMb: 500,
    overIstioctl: 5,
} as const;

/** A measured wall time, or the time limit a stopped run reached. */
const wall = (m: Measurement) =>
    m.wall_ms !== null ? s(m.wall_ms) : m.error ? "failed (see its JSON line)" : `> ${s(m.timed_out_after_ms as number)} (stopped)`;
/** `a / b` when both are known; a stopped `a` gives a lower bound. */
function ratioText(a: Measurement, b: Measurement): string {
    if (b.wall_ms === null) return "?";
    if (a.wall_ms === null) return a.error ? "?" : `> ${x((a.timed_out_after_ms as number) / b.wall_ms)}`;
    return x(a.wall_ms / b.wall_ms);
}

/** Growth between consecutive sizes. */
function growth(what: string, series: Measurement[]): Check[] {
    const out: Check[] = [];
    for (let i = 1; i < series.length; i++) {
        const a = series[i - 1];
        const b = series[i];
        if (a.wall_ms === null || b.wall_ms === null) {
            out.push({ what: `${what}: linear growth ${a.size} -> ${b.size}`, status: "n/a", detail: "a run failed or was stopped at the time limit" });
            continue;
        }
        const work = b.size / a.size;
        out.push(linearStep(`${what}: linear growth ${a.size} -> ${b.size}`, b.wall_ms / a.wall_ms, work, `${work}x the work`));
    }
    return out;
}

export function programChecks(pairs: ProgramPair[], configured: Mode): { text: string; checks: Check[] } {
    const lines: string[] = [];
    const checks: Check[] = [];
    const modes = [...new Set(pairs.map((p) => p.mode))];
    for (const mode of modes) {
        const ps = pairs.filter((p) => p.mode === mode);
        const tag = mode === configured ? "how Pulumi.yaml runs the program now" : "for comparison";
        lines.push(`program evaluation, ${mode} (${tag}):`);
        lines.push(
            table(
                ["namespaces", "resources", "program", "baseline", "ratio", "program RSS", "start-up", "evaluation"],
                ps.map((p) => [
                    p.namespaces,
                    p.program.resources ?? "?",
                    wall(p.program),
                    p.baseline ? wall(p.baseline) : "-",
                    p.baseline ? ratioText(p.program, p.baseline) : "-",
                    `${p.program.peak_rss_mb} MB`,
                    p.program.startup_ms === undefined ? "?" : s(p.program.startup_ms as number),
                    p.program.evaluation_ms === undefined ? "?" : s(p.program.evaluation_ms as number),
                ]),
            ),
        );
        const big = ps.find((p) => p.namespaces === GOALS.programNamespaces);
        const label = `program (${mode})`;
        if (big) {
            const ms = big.program.wall_ms;
            checks.push({
                what: `${label}: ${GOALS.programNamespaces} namespaces under ${s(GOALS.programMs)}`,
                status: verdict(ms !== null && ms < GOALS.programMs),
                detail: wall(big.program),
            });
            const what = `${label}: at most ${x(GOALS.overBaseline)} the bare baseline`;
            if (ms !== null && big.baseline?.wall_ms) {
                const ratio = ms / big.baseline.wall_ms;
                checks.push({ what, status: verdict(ratio <= GOALS.overBaseline), detail: `${x(ratio)} (${s(ms)} vs ${s(big.baseline.wall_ms)})` });
            } else {
                checks.push({ what, status: "n/a", detail: "a run was stopped at the time limit" });
            }
        }
        checks.push(
            ...growth(
                label,
                ps.map((p) => p.program),
            ),
        );
    }
    // The same config in every mode: report the exec limit once, at the largest size measured.
    const largest = [...pairs].sort((a, b) => b.namespaces - a.namespaces)[0];
    if (largest && typeof largest.program.config_kib === "number") {
        const fits = largest.program.config_fits_exec !== false;
        checks.push({
            what: `the stack config of ${largest.namespaces} namespaces fits the language host's PULUMI_CONFIG (one environment string, 128 KiB on Linux)`,
            status: verdict(fits),
            detail: fits
                ? `${largest.program.config_kib} KiB`
                : `${largest.program.config_kib} KiB: the real language host cannot start the program (exec fails with E2BIG)`,
        });
    }
    const ts = pairs.filter((p) => p.mode === "ts-node");
    const pre = pairs.filter((p) => p.mode === "precompiled");
    for (const p of pre) {
        const t = ts.find((q) => q.namespaces === p.namespaces);
        if (t) lines.push(`  ${p.namespaces} namespaces: precompiled is ${ratioText(t.program, p.program)} faster than ts-node`);
    }
    return { text: lines.join("\n"), checks };
}

function manifestChecks(r: Results): { text: string; checks: Check[] } {
    const lines: string[] = [];
    const checks: Check[] = [];
    if (r.checker.length) {
        lines.push("manifest checker (npm run guard, whole process):");
        lines.push(
            table(
                ["resources", "wall", "peak RSS", "istioctl analyze", "istioctl / checker"],
                r.checker.map((c) => {
                    const i = r.istioctl.find((m) => m.size === c.size);
                    return [c.resources ?? c.size, wall(c), `${c.peak_rss_mb} MB`, i ? wall(i) : "-", i ? ratioText(i, c) : "-"];
                }),
            ),
        );
        for (const g of GOALS.checker) {
            const c = r.checker.find((m) => m.size === g.size);
            if (c)
                checks.push({
                    what: `checker: ${g.size} resources under ${s(g.ms)}`,
                    status: verdict(c.wall_ms !== null && c.wall_ms < g.ms),
                    detail: wall(c),
                });
        }
        const peak = Math.max(...r.checker.map((c) => c.peak_rss_mb ?? 0));
        // (Failed or stopped runs have no RSS; the line below then covers only the measured sizes.)
        checks.push({ what: `checker: under ${GOALS.checkerRssMb} MB`, status: verdict(peak < GOALS.checkerRssMb), detail: `peak ${peak} MB` });
        checks.push(...growth("checker", r.checker));
        for (const i of r.istioctl) {
            const c = r.checker.find((m) => m.size === i.size);
            if (c && c.wall_ms !== null && !i.error) {
                // A stopped istioctl run is a lower bound on its time, so also on the ratio.
                const ratio = (i.wall_ms ?? (i.timed_out_after_ms as number)) / c.wall_ms;
                const undecided = i.wall_ms === null && ratio < GOALS.overIstioctl;
                checks.push({
                    what: `checker at least ${GOALS.overIstioctl}x faster than istioctl analyze (${i.size} resources)`,
                    status: undecided ? "n/a" : verdict(ratio >= GOALS.overIstioctl),
                    detail: `${ratioText(i, c)} (${wall(i)} vs ${s(c.wall_ms)})`,
                });
            }
        }
    }
    if (r.policies.length) {
        lines.push("stack policies (one AnalyzeStack request, as the engine sends it):");
        lines.push(
            table(
                ["resources", "decode + handler", "of which the pack's validateStack", "process RSS"],
                r.policies.map((p) => [p.resources ?? p.size, wall(p), p.pack_ms === undefined ? "-" : s(p.pack_ms as number), `${p.peak_rss_mb} MB`]),
            ),
        );
        checks.push(...growth("stack policies", r.policies));
    }
    return { text: lines.join("\n"), checks };
}

export function summary(r: Results): string {
    const parts: string[] = [];
    parts.push(
        `== npm run bench: ${r.started.toISOString()}; load average (1, 5, 15 min) ${r.loadStart} at start, ${r.loadEnd} at end; medians of ${r.runs} run(s)${r.tsNodeRuns !== r.runs ? ` (${r.tsNodeRuns} for ts-node)` : ""} ==`,
    );
    const program = programChecks(r.pairs, r.configured);
    const manifests = manifestChecks(r);
    if (program.text) parts.push(program.text);
    if (manifests.text) parts.push(manifests.text);
    const engine = engineChecks(r.engine, r.pairs);
    if (engine.text) parts.push(engine.text);
    const checks = [...program.checks, ...manifests.checks, ...engine.checks, ...r.skipped];
    parts.push("goals:");
    parts.push(...checks.map((c) => `  [${c.status}] ${c.what}: ${c.detail}`));
    return `${parts.join("\n")}\n`;
}
