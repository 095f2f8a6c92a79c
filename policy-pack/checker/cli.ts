/**
 * The manifest checker: `npm run --silent guard -- [--format text|json] [--config <file.json>] <file-or-dir>...`
 * Runs every policy of istio-mesh-guard over Kubernetes manifests. Exit 0: no mandatory violation;
 * 1: at least one; 2: the input or the config could not be read or parsed.
 */
import * as fs from "fs";
import { policies } from "../policies";
import { ConfigError, resolveConfig } from "./config";
import { collectFiles, InputError, loadFile, ManifestResource } from "./load";
import { PolicyError, runPolicies, Timings, Violation } from "./run";

const USAGE = "usage: npm run --silent guard -- [--format text|json] [--config <file.json>] <file-or-dir>...";

interface Options {
    format: "text" | "json";
    config?: string;
    inputs: string[];
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
    const o: Options = { format: "text", inputs: [] };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = (flag: string) => {
            const eq = a.indexOf("=");
            if (eq >= 0) return a.slice(eq + 1);
            if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
            return argv[++i];
        };
        if (a === "--format" || a.startsWith("--format=")) {
            const f = value("--format");
            if (f !== "text" && f !== "json") throw new UsageError(`--format must be text or json, not ${f}`);
            o.format = f;
        } else if (a === "--config" || a.startsWith("--config=")) {
            o.config = value("--config");
        } else if (a === "--help" || a === "-h") {
            throw new UsageError("");
        } else if (a.startsWith("-") && a !== "-") {
            throw new UsageError(`unknown option ${a}`);
        } else {
            o.inputs.push(a);
        }
    }
    if (o.inputs.length === 0) throw new UsageError("no file or directory given");
    return o;
}

function resourceJson(r: ManifestResource | undefined) {
    if (!r) return null;
    const m = r.props.metadata ?? {};
    return {
        apiVersion: String(r.props.apiVersion),
        kind: String(r.props.kind),
        namespace: typeof m.namespace === "string" ? m.namespace : "",
        name: typeof m.name === "string" ? m.name : r.name,
    };
}

function text(violations: Violation[], resources: number, files: number): string {
    const lines = violations.map((v) => `${v.resource?.source ?? "-"}: ${v.level} ${v.policy}: ${v.message}`);
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    lines.push(
        `${violations.length} violation${violations.length === 1 ? "" : "s"} (${mandatory} mandatory, ${violations.length - mandatory} advisory) in ${resources} resource${resources === 1 ? "" : "s"} from ${files} file${files === 1 ? "" : "s"}.`,
    );
    return lines.join("\n") + "\n";
}

/** Runs the checker; returns the exit code. Output goes to the given streams so tests can call it in-process. */
export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
    let opts: Options;
    try {
        opts = parseArgs(argv);
    } catch (e) {
        err(`${e instanceof UsageError && e.message ? `error: ${e.message}\n` : ""}${USAGE}\n`);
        return 2;
    }
    try {
        let configJson: unknown;
        if (opts.config) {
            let raw: string;
            try {
                raw = fs.readFileSync(opts.config, "utf8");
            } catch (e) {
                throw new ConfigError(`${opts.config}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
            }
            try {
                configJson = JSON.parse(raw);
            } catch (e) {
                throw new ConfigError(`${opts.config}: not valid JSON: ${(e as Error).message}`);
            }
        }
        const config = resolveConfig(configJson, policies);
        const timings: Timings | undefined = process.env.GUARD_TIMINGS ? new Map() : undefined;
        const t0 = performance.now();
        const files = collectFiles(opts.inputs);
        const resources = files.flatMap((f) => loadFile(f));
        const t1 = performance.now();
        const violations = await runPolicies(policies, resources, config, timings);
        if (timings) {
            const top = [...timings]
                .sort((a, b) => b[1] - a[1])
                .slice(0, 8)
                .map(([p, ms]) => `${p} ${ms.toFixed(0)}`)
                .join(", ");
            err(
                `timings: start-up ${t0.toFixed(0)} ms, read and parse ${(t1 - t0).toFixed(0)} ms, policies ${(performance.now() - t1).toFixed(0)} ms (${top})\n`,
            );
        }
        if (opts.format === "json") {
            out(
                JSON.stringify({
                    violations: violations.map((v) => ({ policy: v.policy, level: v.level, resource: resourceJson(v.resource), message: v.message })),
                }) + "\n",
            );
        } else {
            out(text(violations, resources.length, files.length));
        }
        return violations.some((v) => v.level === "mandatory") ? 1 : 0;
    } catch (e) {
        if (e instanceof InputError || e instanceof ConfigError) {
            err(`error: ${e instanceof ConfigError && opts.config && !e.message.startsWith(opts.config) ? `${opts.config}: ` : ""}${e.message}\n`);
            return 2;
        }
        if (e instanceof PolicyError) {
            err(`error: ${e.message}\n`);
            return 2;
        }
        throw e;
    }
}

/** Runs the checker on the process's arguments and sets its exit code. */
export function runCli(): void {
    main(
        process.argv.slice(2),
        (s) => process.stdout.write(s),
        (s) => process.stderr.write(s),
    ).then(
        (code) => {
            process.exitCode = code;
        },
        (e) => {
            process.stderr.write(`error: ${(e as Error).stack ?? String(e)}\n`);
            process.exitCode = 2;
        },
    );
}

if (require.main === module) runCli();
