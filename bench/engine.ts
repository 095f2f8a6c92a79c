/**
 * The real tools, once the offline toolchain is built (scripts/toolchain.sh, scripts/pulumi-env.sh):
 * `istioctl analyze --use-kube=false` over the checker's manifests, and `pulumi preview` of the local stack.
 * A tool that is not built yet is skipped with a line saying why, never silently.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command, REPO_ROOT } from "./host";
import { measure, Measurement } from "./measure";
import { meshDir } from "./manifests";

const TOOLS_DIR = process.env.ISTIO_MESH_TOOLS ?? path.join(os.homedir(), ".cache", "istio-mesh", "tools");
/** What `pulumi preview` of the local stack needs: the CLI and the provider plugins the program registers. */
const PREVIEW_TOOLS = ["pulumi", "kubernetes", "tls", "random"];

/** Finished builds in the toolchain cache (`<tool>-<version>`; `.tmp.*` directories are builds in progress). */
function builtTools(): Map<string, string> {
    const out = new Map<string, string>();
    if (!fs.existsSync(TOOLS_DIR)) return out;
    for (const entry of fs.readdirSync(TOOLS_DIR)) {
        const m = /^([a-z]+)-(v?[0-9][^/]*)$/.exec(entry);
        if (m && !entry.includes(".tmp")) out.set(m[1], path.join(TOOLS_DIR, entry));
    }
    return out;
}

function onPath(bin: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const p = path.join(dir, bin);
        if (dir && fs.existsSync(p)) return p;
    }
    return undefined;
}

/** istioctl: $ISTIOCTL, then PATH, then the toolchain cache. */
export function findIstioctl(): string | undefined {
    if (process.env.ISTIOCTL) return process.env.ISTIOCTL;
    const cached = builtTools().get("istioctl");
    const fromCache = cached ? path.join(cached, "bin", "istioctl") : undefined;
    return onPath("istioctl") ?? (fromCache && fs.existsSync(fromCache) ? fromCache : undefined);
}

export async function measureIstioctl(
    istioctl: string,
    sizes: number[],
    runs: number,
    emit: (m: Measurement) => void,
    log: (s: string) => void,
): Promise<Measurement[]> {
    const out: Measurement[] = [];
    for (const size of sizes) {
        log(`istioctl analyze: ${size} resources, ${runs} run(s)`);
        const dir = meshDir(size);
        const command: Command = { command: istioctl, args: ["analyze", "--use-kube=false", "--all-namespaces", dir], env: { ...process.env }, cwd: REPO_ROOT };
        const written = Number(fs.readFileSync(path.join(dir, ".complete"), "utf8"));
        // istioctl exits non-zero when it finds errors; any finding still means a complete analysis.
        const m = await measure({
            name: "istioctl-analyze",
            size,
            runs,
            command,
            external: true,
            okCodes: [0, 1, 3, 79],
            resources: () => written,
            extra: () => ({ unit: "resources" }),
        });
        emit(m);
        out.push(m);
    }
    return out;
}

/** Why `pulumi preview` cannot run yet, or undefined when it can. */
export function previewUnavailable(): string | undefined {
    const built = builtTools();
    const missing = PREVIEW_TOOLS.filter((t) => !built.has(t));
    if (missing.length > 0) {
        return `not built yet in ${TOOLS_DIR}: ${missing.join(", ")} (scripts/toolchain.sh builds them; the bench never starts a build)`;
    }
    if (!fs.existsSync(path.join(REPO_ROOT, "Pulumi.local.yaml"))) return "Pulumi.local.yaml does not exist";
    // Creating the stack would write a secrets salt into Pulumi.local.yaml: that is the stack owner's step.
    const r = spawnSync("bash", ["-c", `source "${path.join(REPO_ROOT, "scripts", "pulumi-env.sh")}" >/dev/null 2>&1 && pulumi stack ls --json`], {
        cwd: REPO_ROOT,
        encoding: "utf8",
    });
    const stacks: { name: string }[] = r.status === 0 ? JSON.parse(r.stdout || "[]") : [];
    if (!stacks.some((st) => st.name === "local" || st.name.endsWith("/local"))) {
        return "the local stack does not exist in the backend yet (pulumi stack init local, or npm run render, creates it)";
    }
    return undefined;
}

/** The environment scripts/pulumi-env.sh sets up (fast once the tools are built), captured once. */
function pulumiEnv(): NodeJS.ProcessEnv {
    const r = spawnSync("bash", ["-c", `source "${path.join(REPO_ROOT, "scripts", "pulumi-env.sh")}" >&2 && env -0`], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        maxBuffer: 1 << 24,
    });
    if (r.status !== 0) throw new Error(`scripts/pulumi-env.sh failed:\n${r.stderr}`);
    return Object.fromEntries(
        r.stdout
            .split("\0")
            .filter(Boolean)
            .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    );
}

export async function measurePreview(runs: number, emit: (m: Measurement) => void, log: (s: string) => void): Promise<Measurement> {
    const env = pulumiEnv();
    // The pulumi on the PATH pulumi-env.sh set up.
    const bin =
        (env.PATH ?? "")
            .split(path.delimiter)
            .map((d) => path.join(d, "pulumi"))
            .find((p) => fs.existsSync(p)) ?? "pulumi";
    const command: Command = { command: bin, args: ["preview", "--stack", "local", "--non-interactive", "--diff=false"], env, cwd: REPO_ROOT };
    log(`pulumi preview (local stack): ${runs} run(s)`);
    await measure({ name: "warm-up", size: 1, runs: 1, command, external: true });
    const m = await measure({
        name: "pulumi-preview",
        size: 1,
        runs,
        command,
        external: true,
        extra: () => ({ unit: "stack (Pulumi.local.yaml)", scope: "whole CLI: engine, language host, program, providers" }),
    });
    emit(m);
    return m;
}
