/** The real engine's part of the bench summary: its runs, the program beside them, checkpoints, shapes, growth. Pure. */
import type { ProgramPair } from "./program";
import type { EngineRun } from "./real-engine";
import { Check, linearStep, s, table, x } from "./summary-format";

const where = (e: EngineRun) => (e.namespaces === null ? "local stack" : `${e.namespaces} namespaces`);
const mb = (v: number | null) => (v === null ? "-" : `${Math.round(v)}`);
const cpu = (v: number | null) => (v === null ? "-" : v.toFixed(1));
const timed = (e: EngineRun | undefined) => (e === undefined ? "-" : e.error ? "FAILED" : s(e.wall_ms));

function runsTable(runs: EngineRun[]): string {
    return table(
        ["stack", "operation", "checkpoints", "wall", "resources", "CPU s: CLI/provider/program/pack", "peak RSS MB: CLI/provider/program/pack"],
        runs.map((e) => [
            where(e),
            e.operation,
            e.checkpoints,
            timed(e),
            e.resources ?? "-",
            [e.cpu_s.cli, e.cpu_s.provider, e.cpu_s.program, e.cpu_s.policy].map(cpu).join("/"),
            [e.peak_rss_mb.cli, e.peak_rss_mb.provider, e.peak_rss_mb.program, e.peak_rss_mb.policy].map(mb).join("/"),
        ]),
    );
}

/** One size's figures side by side: the program under the mock engine, then what the real engine takes. */
function sideBySide(runs: EngineRun[], pairs: ProgramPair[]): string[] {
    const lines: string[] = [];
    const sizes = [...new Set(runs.filter((e) => e.namespaces !== null).map((e) => e.namespaces as number))];
    for (const n of sizes) {
        const find = (operation: EngineRun["operation"]) => runs.find((e) => e.namespaces === n && e.operation === operation && e.checkpoints === "skipped");
        const mock = pairs.find((p) => p.mode === "precompiled" && p.namespaces === n)?.program;
        const preview = find("preview");
        const mockText = mock?.wall_ms ? s(mock.wall_ms) : "not measured in this run";
        const added =
            mock?.wall_ms && preview && !preview.error ? `; the engine, provider and pack add ${s(preview.wall_ms - mock.wall_ms)} to the preview` : "";
        lines.push(
            `  ${n} namespaces: program under the mock engine ${mockText}; real preview ${timed(preview)}, up ${timed(find("up"))}, up with no changes ${timed(find("up (no changes)"))}${added}`,
        );
    }
    return lines;
}

/** Each operation with both checkpoint settings: how much the per-step checkpoints cost. */
function checkpointLines(runs: EngineRun[]): string[] {
    const lines: string[] = [];
    for (const every of runs.filter((e) => e.checkpoints === "every step" && !e.shape && !e.error)) {
        const skipped = runs.find((e) => e.checkpoints === "skipped" && !e.shape && e.namespaces === every.namespaces && e.operation === every.operation);
        if (skipped && !skipped.error) {
            lines.push(
                `  ${where(every)}, ${every.operation}: ${s(every.wall_ms)} with a checkpoint after every step, ${s(skipped.wall_ms)} skipped (${x(every.wall_ms / skipped.wall_ms)})`,
            );
        }
    }
    return lines;
}

function shapeLines(runs: EngineRun[]): string[] {
    const lines: string[] = [];
    for (const objects of runs.filter((e) => e.shape === "objects" && !e.error)) {
        const group = runs.find((e) => e.shape === "configgroup" && e.namespaces === objects.namespaces);
        if (group && !group.error) {
            lines.push(
                `  ${objects.namespaces} namespaces, preview: one registration per object ${s(objects.wall_ms)}, one ConfigGroup per namespace ${s(group.wall_ms)} (${x(group.wall_ms / objects.wall_ms)}); program CPU ${cpu(objects.cpu_s.program)} s vs ${cpu(group.cpu_s.program)} s`,
            );
        }
    }
    return lines;
}

/** Linear growth of each operation between consecutive mesh sizes, by the resources the engine counted. */
function growthChecks(runs: EngineRun[]): Check[] {
    const checks: Check[] = [];
    for (const operation of ["preview", "up", "up (no changes)"] as const) {
        const series = runs
            .filter((e) => e.namespaces !== null && !e.shape && e.checkpoints === "skipped" && e.operation === operation)
            .sort((a, b) => (a.namespaces as number) - (b.namespaces as number));
        for (let i = 1; i < series.length; i++) {
            const [a, b] = [series[i - 1], series[i]];
            const what = `real engine, ${operation}: linear growth ${a.namespaces} -> ${b.namespaces} namespaces`;
            if (a.error || b.error || !a.resources || !b.resources) {
                checks.push({ what, status: "n/a", detail: "a run failed" });
                continue;
            }
            const work = b.resources / a.resources;
            checks.push(linearStep(what, b.wall_ms / a.wall_ms, work, `${x(work)} the resources`));
        }
    }
    return checks;
}

export function engineChecks(runs: EngineRun[], pairs: ProgramPair[]): { text: string; checks: Check[] } {
    if (runs.length === 0) return { text: "", checks: [] };
    const main = runs.filter((e) => !e.shape);
    const lines = ["real engine, render mode (bin/stack.ts: Automation API, inline program, executable policy pack):", runsTable(main)];
    const side = sideBySide(main, pairs);
    if (side.length) lines.push("side by side (checkpoints skipped):", ...side);
    const cp = checkpointLines(main);
    if (cp.length) lines.push("state checkpoints:", ...cp);
    const shapes = shapeLines(runs);
    if (shapes.length) lines.push("bare shapes under the real engine (bench/bare/shapes.ts):", ...shapes);
    for (const e of runs.filter((r) => r.error)) lines.push(`  FAILED: ${where(e)} ${e.operation}${e.shape ? ` (${e.shape})` : ""}:\n${e.error}`);
    return { text: lines.join("\n"), checks: growthChecks(main) };
}
