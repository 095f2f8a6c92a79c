/**
 * Program evaluation under the mock engine: the real program (meshStack(n): its stack config and team files) and the bare
 * baseline (as many plain ConfigMaps, no logic), both started the way the language host starts them, in each
 * loading mode: `ts-node` (Pulumi's TypeScript default: ts-node with type checking, entry package.json main)
 * and `precompiled` (Pulumi.yaml main: pulumi-main.js, which builds dist/ with `tsc -b` and loads it).
 */
import * as fs from "fs";
import * as path from "path";
import { ENV_STRING_LIMIT, HostRun, previewCommand, ProgramRuntime, readRuntime, REPO_ROOT } from "./host";
import { measure, Measurement, Sample } from "./measure";
import { meshStack } from "./mesh-config";

export type Mode = "ts-node" | "precompiled";
export const MODES: Mode[] = ["precompiled", "ts-node"];

const PROJECT = "istio-mesh";
const LAUNCHER = "pulumi-main.js";
/** The launcher and what it loads from the repository. */
const LAUNCHER_FILES = [LAUNCHER, "scripts/stack-traces.js"];
/** Where the baseline is set up as a project of its own, loaded by a copy of the program's launcher. */
const BARE_PROJECT = path.join(REPO_ROOT, "dist", "bench", "bare-project");
const BARE_SOURCE = path.join(REPO_ROOT, "bench", "bare", "index.ts");

/** The mode the project's Pulumi.yaml selects today. */
export function configuredMode(): Mode {
    const rt = readRuntime(REPO_ROOT);
    return !rt.typescript && rt.main === LAUNCHER ? "precompiled" : "ts-node";
}

/**
 * The baseline as a precompiled project: the program's own launcher and its modules (copied, so it is loaded exactly the same
 * way) and a tsconfig that builds bench/bare/index.ts into the project's dist/.
 */
function prepareBareProject(): void {
    fs.mkdirSync(BARE_PROJECT, { recursive: true });
    for (const file of LAUNCHER_FILES) {
        fs.mkdirSync(path.dirname(path.join(BARE_PROJECT, file)), { recursive: true });
        fs.copyFileSync(path.join(REPO_ROOT, file), path.join(BARE_PROJECT, file));
    }
    const rel = (p: string) => path.relative(BARE_PROJECT, p);
    const tsconfig = {
        extends: rel(path.join(REPO_ROOT, "tsconfig.json")),
        compilerOptions: { types: ["node"], rootDir: rel(path.dirname(BARE_SOURCE)), outDir: "dist", tsBuildInfoFile: "dist/.program.tsbuildinfo" },
        files: [rel(BARE_SOURCE)],
        include: [],
    };
    fs.writeFileSync(path.join(BARE_PROJECT, "tsconfig.program.json"), JSON.stringify(tsconfig, null, 2));
    fs.writeFileSync(
        path.join(BARE_PROJECT, "Pulumi.yaml"),
        `name: bench-bare\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: ${LAUNCHER}\n`,
    );
}

/**
 * The program's run for a mesh of `namespaces` namespaces: the platform in the stack config, each team's
 * namespace and route in its own file under dist/bench/mesh-<n>/, included (written afresh).
 */
function programRun(mode: Mode, namespaces: number): HostRun {
    const runtime: ProgramRuntime = mode === "ts-node" ? { typescript: true, nodeargs: [] } : { typescript: false, main: LAUNCHER, nodeargs: [] };
    const includeDir = `dist/bench/mesh-${namespaces}`;
    const stack = meshStack(namespaces, includeDir);
    fs.rmSync(path.join(REPO_ROOT, includeDir), { recursive: true, force: true });
    fs.mkdirSync(path.join(REPO_ROOT, includeDir), { recursive: true });
    for (const [file, text] of stack.files) fs.writeFileSync(path.join(REPO_ROOT, file), text);
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(stack.config)) {
        config[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return { projectDir: REPO_ROOT, runtime, project: PROJECT, stack: "bench", config };
}

function bareRun(mode: Mode, resources: number): HostRun {
    const config = { "bench:resources": String(resources) };
    return mode === "ts-node"
        ? {
              projectDir: REPO_ROOT,
              runtime: { typescript: true, main: path.relative(REPO_ROOT, BARE_SOURCE), nodeargs: [] },
              project: "bench-bare",
              stack: "bench",
              config,
          }
        : { projectDir: BARE_PROJECT, runtime: readRuntime(BARE_PROJECT), project: "bench-bare", stack: "bench", config };
}

const registered = (s: Sample) => (typeof s.report.resources === "number" ? s.report.resources : null);

/** Start-up (until the Stack resource registers) and evaluation (from there to the last registration). */
function phases(s: Sample): Record<string, unknown> {
    const first = s.report.first_registration_ms as number | undefined;
    const last = s.report.last_registration_ms as number | undefined;
    return first === undefined || last === undefined ? {} : { startup_ms: first, evaluation_ms: last - first };
}

export interface ProgramPair {
    mode: Mode;
    namespaces: number;
    program: Measurement;
    /** Absent when the program's run was stopped (its resource count is then unknown). */
    baseline?: Measurement;
}

/**
 * Measures the program at each size and, right after, the baseline with the same resource count. `emit`
 * receives each measurement as soon as it exists.
 */
export async function measurePrograms(
    mode: Mode,
    sizes: number[],
    runs: number,
    emit: (m: Measurement) => void,
    log: (s: string) => void,
): Promise<ProgramPair[]> {
    prepareBareProject();
    log(`program (${mode}): warm-up run (builds what the mode builds, fills the file cache)`);
    await measure({ name: "warm-up", size: sizes[0], runs: 1, command: previewCommand(programRun(mode, sizes[0])) });
    await measure({ name: "warm-up", size: 10, runs: 1, command: previewCommand(bareRun(mode, 10)) });
    const pairs: ProgramPair[] = [];
    for (const n of sizes) {
        log(`program (${mode}): ${n} namespaces, ${runs} run(s)`);
        const command = previewCommand(programRun(mode, n));
        const configKib = Math.round((command.configBytes ?? 0) / 1024);
        const program = await measure({
            name: `program:${mode}`,
            size: n,
            runs,
            command,
            resources: registered,
            extra: (s) => ({ unit: "mesh namespaces", ...phases(s), config_kib: configKib, config_fits_exec: (command.configBytes ?? 0) < ENV_STRING_LIMIT }),
        });
        emit(program);
        if (program.resources === null) {
            pairs.push({ mode, namespaces: n, program });
            continue;
        }
        // Both counts include the Stack resource, which the baseline registers too.
        const plain = program.resources - 1;
        log(`baseline (${mode}): ${plain} ConfigMaps, ${runs} run(s)`);
        const baseline = await measure({
            name: `baseline:${mode}`,
            size: n,
            runs,
            command: previewCommand(bareRun(mode, plain)),
            resources: registered,
            extra: (s) => ({ unit: "mesh namespaces (same resource count as the program)", ...phases(s) }),
        });
        emit(baseline);
        pairs.push({ mode, namespaces: n, program, baseline });
    }
    return pairs;
}
