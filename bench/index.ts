/**
 * `npm run bench`: what the program and the policy pack cost as the mesh grows. Prints one JSON line per
 * measurement (name, size, wall_ms, peak_rss_mb, resources, ...), then a summary with the ratios and the goals.
 * Every measurement is a fresh child process per run (start-up and peak RSS are real); medians are reported.
 * Progress goes to stderr. docs/benchmarks.md explains each measurement.
 *
 *   npm run bench                      everything, BENCH_RUNS (default 3) runs each
 *   npm run bench -- --quick           small sizes, one run: checks that the bench works
 *   npm run bench -- --only program,checker,policies,engine   a subset
 *   npm run bench -- --modes precompiled                      program loading modes (precompiled, ts-node)
 *   npm run bench -- --program-sizes 1000 --manifest-sizes 10000 --engine-sizes 100 --checkpoint-sizes 10   other sizes
 *
 * istioctl analyze and the stack policies stop at 50,000 objects (istioctl passes 100 s there, the stack policies
 * 3.5 GB); the checker goes on to 100,000.
 */
import * as os from "os";
import { engineUnavailable, findIstioctl, measureIstioctl, pulumiEnv } from "./engine";
import { measureChecker, measureStackPolicies } from "./manifests";
import { Measurement } from "./measure";
import { configuredMode, measurePrograms, Mode, MODES, ProgramPair } from "./program";
import { EngineRun, measureRealEngine } from "./real-engine";
import { summary } from "./summary";
import { Check } from "./summary-format";

type Group = "program" | "checker" | "policies" | "engine";
const GROUPS: Group[] = ["program", "checker", "policies", "engine"];

interface Options {
    quick: boolean;
    programSizes: number[];
    manifestSizes: number[];
    /** Namespaces of the meshes the real engine previews and renders (beside the local stack). */
    engineSizes: number[];
    /** Mesh sizes also run with a checkpoint after every step (the CLI's default; quadratic, so small ones). */
    checkpointSizes: number[];
    groups: Group[];
    modes: Mode[];
    runs: number;
    tsNodeRuns: number;
}

function options(argv: string[]): Options {
    const value = (flag: string) => {
        const i = argv.indexOf(flag);
        return i >= 0 ? argv[i + 1] : undefined;
    };
    const quick = argv.includes("--quick");
    const list = <T extends string>(flag: string, all: T[]): T[] => {
        const v = value(flag);
        if (!v) return all;
        const picked = v.split(",") as T[];
        const unknown = picked.filter((p) => !all.includes(p));
        if (unknown.length) throw new Error(`${flag}: unknown ${unknown.join(", ")}; choose from ${all.join(", ")}`);
        return picked;
    };
    const runs = quick ? 1 : Number(process.env.BENCH_RUNS ?? 3);
    const sizes = (flag: string, fallback: number[]) => {
        const v = value(flag);
        return v ? v.split(",").map(Number) : fallback;
    };
    return {
        quick,
        programSizes: sizes("--program-sizes", quick ? [10, 100] : [10, 100, 1000]),
        manifestSizes: sizes("--manifest-sizes", quick ? [1000, 10000] : [1000, 10000, 50000, 100000]),
        engineSizes: sizes("--engine-sizes", quick ? [10] : [100, 1000]),
        checkpointSizes: sizes("--checkpoint-sizes", quick ? [] : [100]),
        groups: list("--only", GROUPS),
        modes: list("--modes", MODES),
        runs,
        // ts-node runs of 1,000 namespaces take minutes on a loaded machine; allow fewer of them.
        tsNodeRuns: quick ? 1 : Number(process.env.BENCH_TS_NODE_RUNS ?? runs),
    };
}

/** The largest mesh istioctl analyze and the stack policies are measured at. */
const comparedSize = (size: number) => size <= 50000;

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
const emit = (m: Measurement | EngineRun | Record<string, unknown>) => process.stdout.write(`${JSON.stringify(m)}\n`);

async function main(): Promise<void> {
    const o = options(process.argv.slice(2));
    const started = new Date();
    const load = os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ");
    log(`${started.toISOString()}, load average ${load}, ${os.cpus().length} cores, node ${process.version}`);
    const { programSizes, manifestSizes } = o;

    const pairs: ProgramPair[] = [];
    let checker: Measurement[] = [];
    let policies: Measurement[] = [];
    let istioctl: Measurement[] = [];
    let engine: EngineRun[] = [];
    const skipped: Check[] = [];

    // The slow ts-node comparison runs last, so that the figures that decide the goals come first.
    const programModes = o.groups.includes("program") ? [...o.modes].sort((a, b) => Number(a === "ts-node") - Number(b === "ts-node")) : [];
    const measureMode = async (mode: Mode) => {
        pairs.push(...(await measurePrograms(mode, programSizes, mode === "ts-node" ? o.tsNodeRuns : o.runs, emit, log)));
    };
    for (const mode of programModes.filter((m) => m !== "ts-node")) await measureMode(mode);
    if (o.groups.includes("checker")) checker = await measureChecker(manifestSizes, o.runs, emit, log);
    if (o.groups.includes("policies")) policies = await measureStackPolicies(manifestSizes.filter(comparedSize), o.runs, emit, log);
    if (o.groups.includes("engine")) {
        const bin = findIstioctl();
        if (bin) {
            istioctl = await measureIstioctl(bin, manifestSizes.filter(comparedSize), o.runs, emit, log);
        } else {
            const why = "istioctl is not built yet (not on PATH, not in the toolchain cache; scripts/toolchain.sh istioctl builds it)";
            emit({ name: "istioctl-analyze", size: null, skipped: why });
            skipped.push({ what: "istioctl analyze", status: "skipped", detail: why });
        }
        const why = engineUnavailable();
        if (why) {
            emit({ name: "engine", size: null, skipped: why });
            skipped.push({ what: "the real engine (render mode)", status: "skipped", detail: why });
        } else {
            engine = await measureRealEngine({ sizes: o.engineSizes, checkpointSizes: o.checkpointSizes, runs: o.runs }, pulumiEnv(), emit, log);
        }
    }
    if (programModes.includes("ts-node")) await measureMode("ts-node");
    const end = os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ");
    process.stdout.write(
        summary({
            started,
            loadStart: load,
            loadEnd: end,
            runs: o.runs,
            tsNodeRuns: o.tsNodeRuns,
            configured: configuredMode(),
            pairs,
            checker,
            policies,
            istioctl,
            engine,
            skipped,
        }),
    );
}

main().catch((e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
});
