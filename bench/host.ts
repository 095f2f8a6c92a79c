/**
 * How Pulumi's Node.js language host (pulumi-language-nodejs) starts a program, reproduced for the mock
 * engine: the project's runtime options (Pulumi.yaml `runtime.options.typescript`, `nodeargs`, `tsconfig`),
 * its entry point (Pulumi.yaml `main`, resolved like the engine's getPwdMain: a file runs from its own
 * directory, no main means "." and cmd/run falls back to package.json's main), the config in PULUMI_CONFIG,
 * and the command line cmd/run receives. The only addition is two preloads: the mock engine and the exit report.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "..");

/** The runtime options of a Pulumi.yaml that decide how the program is loaded. */
export interface ProgramRuntime {
    /** Load TypeScript through ts-node (the language host's default). */
    typescript: boolean;
    /** Pulumi.yaml `main`, relative to the project directory. */
    main?: string;
    nodeargs: string[];
    tsconfig?: string;
}

/** The runtime of the Pulumi.yaml in `projectDir`. */
export function readRuntime(projectDir: string): ProgramRuntime {
    const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) ?? {};
    const options = typeof project.runtime === "object" ? (project.runtime.options ?? {}) : {};
    return {
        typescript: options.typescript ?? true,
        main: project.main,
        nodeargs: typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [],
        tsconfig: options.tsconfig,
    };
}

/** A child process to spawn. */
export interface Command {
    command: string;
    args: string[];
    env: NodeJS.ProcessEnv;
    cwd: string;
    /** Size of PULUMI_CONFIG in bytes, when the command carries stack config. */
    configBytes?: number;
}

/**
 * Linux's limit on one environment string (MAX_ARG_STRLEN, 32 pages). The language host passes the whole stack
 * config in PULUMI_CONFIG, so a larger config makes it fail to start the program (E2BIG).
 */
export const ENV_STRING_LIMIT = 128 * 1024;

export interface HostRun {
    projectDir: string;
    runtime: ProgramRuntime;
    project: string;
    stack: string;
    /** Stack config as PULUMI_CONFIG holds it: `<namespace>:<key>` to text. */
    config: Record<string, string>;
}

/** The entry point and working directory, as the engine resolves Pulumi.yaml's main. */
function pwdMain(root: string, main: string | undefined): { pwd: string; entry: string } {
    if (!main) {
        return { pwd: root, entry: "." };
    }
    const full = path.resolve(root, main);
    return fs.statSync(full).isDirectory() ? { pwd: full, entry: "." } : { pwd: path.dirname(full), entry: path.basename(full) };
}

/** The node process the language host would start for a preview, with the mock engine in place of the real one. */
export function previewCommand(run: HostRun): Command {
    const { pwd, entry } = pwdMain(run.projectDir, run.runtime.main);
    const config = JSON.stringify(run.config);
    const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_CONFIG: config, PULUMI_CONFIG_SECRET_KEYS: "[]" };
    const configBytes = Buffer.byteLength(`PULUMI_CONFIG=${config}`);
    if (configBytes >= ENV_STRING_LIMIT) {
        // What the real language host runs into (exec fails with E2BIG): the stack must use istio-mesh:include.
        throw new Error(`bench: the stack config is ${Math.round(configBytes / 1024)} KiB, over the ${ENV_STRING_LIMIT / 1024} KiB PULUMI_CONFIG can hold`);
    }
    delete env.PULUMI_NODEJS_TYPESCRIPT;
    delete env.PULUMI_NODEJS_TSCONFIG_PATH;
    if (run.runtime.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (run.runtime.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = run.runtime.tsconfig;
    const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [run.projectDir] });
    const args = [
        ...run.runtime.nodeargs,
        "-r",
        path.join(__dirname, "exit-report.js"),
        "-r",
        path.join(__dirname, "mock-engine.js"),
        runPath,
        "--monitor",
        "mock",
        "--project",
        run.project,
        "--root-directory",
        run.projectDir,
        "--stack",
        run.stack,
        "--pwd",
        pwd,
        "--dry-run",
        // The engine's default parallelism on this machine (4 per core); the mock engine answers at once anyway.
        "--parallel",
        "8",
        entry,
    ];
    return { command: process.execPath, args, env, cwd: run.projectDir, configBytes };
}
