/**
 * The real tools, once the toolchain is built (scripts/toolchain.sh, scripts/pulumi-env.sh): `istioctl analyze
 * --use-kube=false` over the checker's manifests, and the engine's environment for bench/real-engine.ts.
 * A tool that is not built yet is skipped with a line saying why, never silently.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Command, REPO_ROOT } from "./host";
import { measure, Measurement } from "./measure";
import { meshDir } from "./manifests";

/** A tool as scripts/toolchain.sh finds it (installed or built), without building it: its directory, or undefined. */
function toolDir(tool: string): string | undefined {
    const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "toolchain.sh"), "--no-build", tool], { cwd: REPO_ROOT, encoding: "utf8" });
    return r.status === 0 ? r.stdout.split("\t")[2] : undefined;
}

/** istioctl: $ISTIOCTL, else the one scripts/toolchain.sh finds. */
export function findIstioctl(): string | undefined {
    if (process.env.ISTIOCTL) return process.env.ISTIOCTL;
    const dir = toolDir("istioctl");
    return dir && path.join(dir, "istioctl");
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

/** Why the real engine cannot run, or undefined when it can: the CLI and the kubernetes provider are built or installed. */
export function engineUnavailable(): string | undefined {
    const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "toolchain.sh"), "--no-build", "pulumi", "kubernetes"], { cwd: REPO_ROOT, encoding: "utf8" });
    return r.status === 0 ? undefined : `${r.stderr.trim().split("\n").pop()} (scripts/toolchain.sh builds them; the bench never starts a build)`;
}

/** The environment scripts/pulumi-env.sh sets up (fast once the tools are built), captured once. */
export function pulumiEnv(): NodeJS.ProcessEnv {
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
