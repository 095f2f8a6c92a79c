/**
 * The real engine at platform scale, in render mode (`kubernetes:renderYamlToDirectory`): preview, up and a second
 * up with no changes of the `local` stack and of meshes of 100 and 1,000 namespaces laid out through
 * `istio-mesh:include`, each operation a fresh `bin/stack.ts` process (Automation API, inline program, the
 * executable policy pack), as `npm run render` runs it; with the state checkpoints skipped, as bin/stack.ts runs a
 * render, and with a checkpoint after every step (the CLI's default), which grows with the square of the stack.
 * Then the bare shape comparison: one registration per object against one ConfigGroup per namespace.
 * Reports the wall time, the peak RSS and the CPU time of the CLI, the kubernetes provider, the program and the
 * policy pack (sampled from /proc, so each process is measured on its own), and the resources the engine counted.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { SHAPES, Shape } from "./bare/shapes";
import { REPO_ROOT } from "./host";
import { median } from "./measure";
import { meshStack } from "./mesh-config";

/** What one engine measurement ran. */
export type Operation = "preview" | "up" | "up (no changes)";
/** `skipped`: the state is written once, at the end (bin/stack.ts's default in render mode); `every step`: the CLI's default. */
export type Checkpoints = "skipped" | "every step";

/** One operation's figures, medians over the runs; the JSON line of `npm run bench` adds its name. */
export interface EngineRun {
    name: string;
    stack: string;
    namespaces: number | null;
    operation: Operation;
    checkpoints: Checkpoints;
    /** The bare shape comparison only: one registration per object, or one ConfigGroup per namespace. */
    shape?: Shape;
    runs: number;
    walls_ms: number[];
    wall_ms: number;
    resources: number | null;
    /** Peak RSS per process role, MB (median of the runs' peaks). */
    peak_rss_mb: Record<Role, number | null>;
    /** CPU time per process role, s (median of the runs). */
    cpu_s: Record<Role, number | null>;
    error?: string;
}

type Role = "cli" | "provider" | "program" | "policy";
const ROLES: Role[] = ["cli", "provider", "program", "policy"];

/** The role of a process of the run's tree, by its executable and command line. */
function roleOf(pid: number, root: number): Role | undefined {
    if (pid === root) return "program";
    let cmdline: string;
    try {
        cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
        return undefined;
    }
    if (cmdline.includes("pulumi-resource-kubernetes")) return "provider";
    // The executable pack runs policy-pack/main.js; `--policy-pack policy-pack` runs Pulumi's run-policy-pack.
    if (cmdline.includes("run-policy-pack") || cmdline.includes("policy-pack/main.js")) return "policy";
    if (/(^|\/)pulumi( |$)/.test(cmdline.split(" ")[0] ?? "")) return "cli";
    return undefined;
}

/** Every process below `root` (pids), from the parent links in /proc. */
function descendants(root: number): number[] {
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
        } catch {
            // The process ended while the tree was read.
        }
    }
    const out: number[] = [];
    const queue = [root];
    while (queue.length > 0) {
        const pid = queue.pop()!;
        out.push(pid);
        queue.push(...(children.get(pid) ?? []));
    }
    return out;
}

/** RSS (MB) and CPU time so far (s, user + system) of a process; zeros once it has ended. */
function usage(pid: number): { rssMb: number; cpuS: number } {
    try {
        const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), in clock ticks of 1/100 s on Linux.
        return { rssMb: kb ? Number(kb) / 1024 : 0, cpuS: (Number(fields[11]) + Number(fields[12])) / 100 };
    } catch {
        return { rssMb: 0, cpuS: 0 };
    }
}

interface Sampled {
    wall_ms: number;
    resources: number | null;
    peak_rss_mb: Record<Role, number>;
    cpu_s: Record<Role, number>;
    error?: string;
}

/**
 * Runs `node -r ts-node/register/transpile-only <args>` in the repository and samples its process tree every
 * 200 ms: the peak RSS per role, and the CPU time per process as last seen (a process's final 200 ms may be missed).
 */
function runSampled(args: string[], env: NodeJS.ProcessEnv): Promise<Sampled> {
    const peaks: Record<Role, number> = { cli: 0, provider: 0, program: 0, policy: 0 };
    const cpu = new Map<number, { role: Role; cpuS: number }>();
    const start = process.hrtime.bigint();
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", ...args], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d) => (out = (out + d).slice(-20000)));
        child.stderr.on("data", (d) => (out = (out + d).slice(-20000)));
        const timer = setInterval(() => {
            for (const pid of descendants(child.pid!)) {
                const role = roleOf(pid, child.pid!);
                if (!role) continue;
                const u = usage(pid);
                peaks[role] = Math.max(peaks[role], u.rssMb);
                if (u.cpuS > 0) cpu.set(pid, { role, cpuS: u.cpuS });
            }
        }, 200);
        child.on("close", (code) => {
            clearInterval(timer);
            const cpuS: Record<Role, number> = { cli: 0, provider: 0, program: 0, policy: 0 };
            for (const { role, cpuS: c } of cpu.values()) cpuS[role] += c;
            // "+ 10023 to create" (preview), "+ 10023 created" (up) or "10023 unchanged" (an up with no changes).
            const counted = /\+ (\d+) (?:to create|created)/.exec(out) ?? /(\d+) unchanged/.exec(out);
            resolve({
                wall_ms: Math.round(Number(process.hrtime.bigint() - start) / 1e6),
                resources: counted ? Number(counted[1]) : null,
                peak_rss_mb: peaks,
                cpu_s: cpuS,
                ...(code === 0 ? {} : { error: out.split("\n").slice(-15).join("\n") }),
            });
        });
    });
}

/** The medians of a series of runs of one operation, as one EngineRun. */
export function summarise(
    base: Omit<EngineRun, "runs" | "walls_ms" | "wall_ms" | "resources" | "peak_rss_mb" | "cpu_s" | "error">,
    samples: Sampled[],
): EngineRun {
    const round = (v: number) => (v > 0 ? Math.round(v * 10) / 10 : null);
    const per = (pick: (s: Sampled) => Record<Role, number>) =>
        Object.fromEntries(ROLES.map((role) => [role, round(median(samples.map((s) => pick(s)[role])))])) as Record<Role, number | null>;
    const failed = samples.find((s) => s.error);
    return {
        ...base,
        runs: samples.length,
        walls_ms: samples.map((s) => s.wall_ms),
        wall_ms: median(samples.map((s) => s.wall_ms)),
        resources: samples[0]?.resources ?? null,
        peak_rss_mb: per((s) => s.peak_rss_mb),
        cpu_s: per((s) => s.cpu_s),
        ...(failed ? { error: failed.error } : {}),
    };
}

/** A bench stack of `n` namespaces: its stack file and team files in the project, its render in a temp directory. */
function writeBenchStack(n: number, renderDir: string): { stack: string; cleanup: () => void } {
    const stack = `bench-${n}`;
    const includeDir = `.bench/mesh-${n}`;
    const { config, files } = meshStack(n, includeDir);
    fs.rmSync(path.join(REPO_ROOT, includeDir), { recursive: true, force: true });
    for (const [file, text] of files) {
        fs.mkdirSync(path.dirname(path.join(REPO_ROOT, file)), { recursive: true });
        fs.writeFileSync(path.join(REPO_ROOT, file), text);
    }
    // The charts from the local directory the other render stacks use: render mode must not fetch them.
    const istio = { ...(config.istio as Record<string, unknown>), chartDir: "../shared/istio-charts/1.30.3" };
    const stackConfig: Record<string, unknown> = { "kubernetes:renderYamlToDirectory": renderDir };
    for (const [key, value] of Object.entries({ ...config, istio })) stackConfig[`istio-mesh:${key}`] = value;
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, stringify({ config: stackConfig }));
    return {
        stack,
        cleanup: () => {
            fs.rmSync(file, { force: true });
            fs.rmSync(path.join(REPO_ROOT, includeDir), { recursive: true, force: true });
        },
    };
}

/** Runs `fn` with a fresh file backend (in the environment it is given) and render directory, removed afterwards. */
async function inScratch<T>(env: NodeJS.ProcessEnv, fn: (runEnv: NodeJS.ProcessEnv, renderDir: string) => Promise<T>): Promise<T> {
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "bench-engine-state-"));
    const renderDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-engine-render-"));
    try {
        return await fn({ ...env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "" }, renderDir);
    } finally {
        fs.rmSync(backend, { recursive: true, force: true });
        fs.rmSync(renderDir, { recursive: true, force: true });
    }
}

const OPERATIONS: { operation: Operation; args: string[] }[] = [
    { operation: "preview", args: ["preview"] },
    { operation: "up", args: ["up"] },
    { operation: "up (no changes)", args: ["up", "--expect-no-changes"] },
];

/**
 * Preview, up and a second up (no changes) of the local stack and of each mesh size, each run in a fresh file
 * backend, `runs` times; with the checkpoints skipped (bin/stack.ts's default in render mode) and, once, for the
 * local stack and the sizes in `checkpointSizes`, with the CLI's default of a checkpoint after every step. Then the
 * bare shape comparison (bench/bare/shapes.ts) at each size. `env` is the engine's environment (scripts/pulumi-env.sh).
 * Failed operations are reported on their line, never hidden.
 */
export async function measureRealEngine(
    o: { sizes: number[]; checkpointSizes: number[]; runs: number },
    env: NodeJS.ProcessEnv,
    emit: (r: EngineRun) => void,
    log: (s: string) => void,
): Promise<EngineRun[]> {
    const results: EngineRun[] = [];
    const record = (r: EngineRun) => {
        emit(r);
        results.push(r);
    };
    const series: { size: number | null; checkpoints: Checkpoints; runs: number }[] = [
        ...[null, ...o.sizes].map((size) => ({ size, checkpoints: "skipped" as const, runs: o.runs })),
        // The local stack too, as the reference point, when any mesh size is checkpointed.
        ...(o.checkpointSizes.length ? [null, ...o.checkpointSizes] : []).map((size) => ({ size, checkpoints: "every step" as const, runs: 1 })),
    ];
    for (const { size, checkpoints, runs } of series) {
        const samples = new Map<Operation, Sampled[]>(OPERATIONS.map((op) => [op.operation, []]));
        for (let run = 0; run < runs; run++) {
            await inScratch({ ...env, PULUMI_SKIP_CHECKPOINTS: String(checkpoints === "skipped") }, async (runEnv, renderDir) => {
                const bench = size === null ? undefined : writeBenchStack(size, renderDir);
                try {
                    for (const { operation, args } of OPERATIONS) {
                        log(
                            `real engine: ${operation} of ${size === null ? "the local stack" : `${size} namespaces`}, checkpoints ${checkpoints}, run ${run + 1}/${runs}`,
                        );
                        const sample = await runSampled(["bin/stack.ts", ...args, "--stack", bench?.stack ?? "local"], runEnv);
                        samples.get(operation)!.push(sample);
                        if (sample.error) break;
                    }
                } finally {
                    bench?.cleanup();
                }
            });
        }
        for (const { operation } of OPERATIONS) {
            const taken = samples.get(operation)!;
            if (taken.length === 0) continue;
            const name = `engine-${operation === "up (no changes)" ? "up-again" : operation}`;
            record(summarise({ name, stack: size === null ? "local" : `bench-${size}`, namespaces: size, operation, checkpoints }, taken));
        }
    }
    for (const size of o.sizes) {
        for (const shape of SHAPES) {
            const taken: Sampled[] = [];
            for (let run = 0; run < o.runs; run++) {
                log(`real engine: bare ${shape} shape, preview of ${size} namespaces, run ${run + 1}/${o.runs}`);
                taken.push(await inScratch(env, (runEnv, renderDir) => runSampled(["bench/bare/shapes.ts", shape, String(size), renderDir], runEnv)));
                if (taken[taken.length - 1].error) break;
            }
            record(
                summarise(
                    { name: "engine-shape-preview", stack: `shape-${shape}`, namespaces: size, operation: "preview", checkpoints: "skipped", shape },
                    taken,
                ),
            );
        }
    }
    return results;
}
