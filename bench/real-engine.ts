/**
 * The real engine at platform scale: preview and up in render mode (`kubernetes:renderYamlToDirectory`) of the
 * `local` stack and of meshes of 100 and 1,000 namespaces laid out through `istio-mesh:include`, each operation a
 * fresh `bin/stack.ts` process (Automation API, inline program, the executable policy pack), as `npm run render`
 * runs it. Reports the wall time, the peak RSS of the CLI, the kubernetes provider, the program and the policy
 * pack (sampled from /proc, so each process is measured on its own), and the resources the engine counted.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { REPO_ROOT } from "./host";
import { meshStack } from "./mesh-config";

/** One operation's figures; the JSON line of `npm run bench` adds its name. */
export interface EngineRun {
    name: string;
    stack: string;
    namespaces: number | null;
    operation: "preview" | "up";
    wall_ms: number;
    resources: number | null;
    /** Peak RSS per process role, MB. */
    peak_rss_mb: Record<Role, number | null>;
    error?: string;
}

type Role = "cli" | "provider" | "program" | "policy";

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
    if (cmdline.includes("run-policy-pack")) return "policy";
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

function rssMb(pid: number): number {
    try {
        const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
        return kb ? Number(kb) / 1024 : 0;
    } catch {
        return 0;
    }
}

/** Runs `bin/stack.ts <operation> --stack <stack>` and samples its process tree every 200 ms. */
function runOperation(stack: string, operation: "preview" | "up", env: NodeJS.ProcessEnv): Promise<Omit<EngineRun, "name" | "namespaces">> {
    const peaks: Record<Role, number> = { cli: 0, provider: 0, program: 0, policy: 0 };
    const start = process.hrtime.bigint();
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "bin/stack.ts", operation, "--stack", stack], {
            cwd: REPO_ROOT,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (d) => (out = (out + d).slice(-20000)));
        child.stderr.on("data", (d) => (out = (out + d).slice(-20000)));
        const timer = setInterval(() => {
            for (const pid of descendants(child.pid!)) {
                const role = roleOf(pid, child.pid!);
                if (role) peaks[role] = Math.max(peaks[role], rssMb(pid));
            }
        }, 200);
        child.on("close", (code) => {
            clearInterval(timer);
            // "+ 10023 to create" (preview) or "+ 10023 created" (up), in the engine's own summary.
            const counted = /\+ (\d+) (?:to create|created)/.exec(out);
            const round = (v: number) => (v > 0 ? Math.round(v * 10) / 10 : null);
            resolve({
                stack,
                operation,
                wall_ms: Math.round(Number(process.hrtime.bigint() - start) / 1e6),
                resources: counted ? Number(counted[1]) : null,
                peak_rss_mb: { cli: round(peaks.cli), provider: round(peaks.provider), program: round(peaks.program), policy: round(peaks.policy) },
                ...(code === 0 ? {} : { error: out.split("\n").slice(-15).join("\n") }),
            });
        });
    });
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

/**
 * Preview and up of the local stack and of each mesh size, each in a fresh file backend. `env` is the engine's
 * environment (scripts/pulumi-env.sh). Failed operations are reported on their line, never hidden.
 */
export async function measureRealEngine(sizes: number[], env: NodeJS.ProcessEnv, emit: (r: EngineRun) => void, log: (s: string) => void): Promise<EngineRun[]> {
    const runs: EngineRun[] = [];
    for (const size of [null, ...sizes]) {
        const backend = fs.mkdtempSync(path.join(os.tmpdir(), "bench-engine-state-"));
        const renderDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-engine-render-"));
        const runEnv = { ...env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "" };
        const bench = size === null ? undefined : writeBenchStack(size, renderDir);
        const stack = bench?.stack ?? "local";
        try {
            for (const operation of ["preview", "up"] as const) {
                log(`real engine: ${operation} of ${size === null ? "the local stack" : `${size} namespaces`}`);
                const r: EngineRun = { name: `engine-${operation}`, namespaces: size, ...(await runOperation(stack, operation, runEnv)) };
                emit(r);
                runs.push(r);
                if (r.error) break;
            }
        } finally {
            bench?.cleanup();
            fs.rmSync(backend, { recursive: true, force: true });
            fs.rmSync(renderDir, { recursive: true, force: true });
        }
    }
    return runs;
}
