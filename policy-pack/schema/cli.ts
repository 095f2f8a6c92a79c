/**
 * `npm run --silent validate -- [--format text|json] [--ignore-missing-schemas] <file-or-dir>...`
 *
 * Validates Kubernetes manifests against the pinned CRDs (schemas and CEL rules) and built-in
 * kinds. Exit 0 when every object conforms, 1 when any does not, 2 when input can't be read or
 * parsed (the message names the file and line).
 */
import { InputError, inputFiles, lineFinder, Manifest, readManifests } from "./input";
import { Finding } from "./types";
import { SchemaValidator } from "./validator";

const USAGE = "usage: validate [--format text|json] [--ignore-missing-schemas] <file-or-dir>...";

/** Parsed command line. */
export interface CliOptions {
    format: "text" | "json";
    ignoreMissingSchemas: boolean;
    paths: string[];
}

/** Parses arguments; throws a usage message on a bad one. */
export function parseArgs(argv: string[]): CliOptions {
    const opts: CliOptions = { format: "text", ignoreMissingSchemas: false, paths: [] };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--format") {
            const f = argv[++i];
            if (f !== "text" && f !== "json") throw new Error(`--format takes text or json, not ${f ?? "nothing"}\n${USAGE}`);
            opts.format = f;
        } else if (a.startsWith("--format=")) {
            opts.format = parseArgs(["--format", a.slice("--format=".length)]).format;
        } else if (a === "--ignore-missing-schemas") {
            opts.ignoreMissingSchemas = true;
        } else if (a === "--help" || a === "-h") {
            throw new Error(USAGE);
        } else if (a.startsWith("-")) {
            throw new Error(`unknown option ${a}\n${USAGE}`);
        } else {
            opts.paths.push(a);
        }
    }
    if (opts.paths.length === 0) throw new Error(`no files or directories given\n${USAGE}`);
    return opts;
}

function who(f: Finding): string {
    const r = f.resource;
    const name = r.namespace ? `${r.namespace}/${r.name ?? "?"}` : (r.name ?? "?");
    return `${r.apiVersion} ${r.kind} ${name}`;
}

/** One finding as a line of text. */
export function formatFinding(f: Finding): string {
    const where = f.file ? `${f.file}:${f.line ?? 1}: ` : "";
    const value = f.value === undefined ? "" : ` (value: ${JSON.stringify(f.value)?.slice(0, 200)})`;
    return `${where}${who(f)}: ${f.path || "(object)"}: ${f.message}${value} [${f.rule} at ${f.location}]`;
}

/** Result of a run: what to print and the exit code. */
export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs the CLI on arguments, without touching the process (for tests). */
export function run(argv: string[], validator?: SchemaValidator): CliResult {
    let opts: CliOptions;
    try {
        opts = parseArgs(argv);
    } catch (e) {
        return { code: 2, stdout: "", stderr: `${(e as Error).message}\n` };
    }
    let files: string[];
    const manifests: Manifest[] = [];
    try {
        files = inputFiles(opts.paths);
        for (const file of files) manifests.push(...readManifests(file));
    } catch (e) {
        if (e instanceof InputError) return { code: 2, stdout: "", stderr: `error: ${e.message}\n` };
        throw e;
    }
    const findings: Finding[] = [];
    const byFile = new Map<string, { finding: Finding; manifest: Manifest }[]>();
    try {
        const v = validator ?? new SchemaValidator();
        for (const manifest of manifests) {
            for (const finding of v.validate(manifest.object, { ignoreMissingSchemas: opts.ignoreMissingSchemas })) {
                finding.file = manifest.file;
                finding.line = manifest.line;
                findings.push(finding);
                const inFile = byFile.get(manifest.file) ?? [];
                inFile.push({ finding, manifest });
                byFile.set(manifest.file, inFile);
            }
        }
    } catch (e) {
        // The schemas themselves could not be loaded (a wrong ISTIO_MESH_* path, an unreadable CRD).
        return { code: 2, stdout: "", stderr: `error: ${(e as Error).message}\n` };
    }
    for (const [file, inFile] of byFile) {
        const lineOf = lineFinder(file);
        if (lineOf) for (const { finding, manifest } of inFile) finding.line = lineOf(manifest, finding.path);
    }
    const summary = `${manifests.length} objects in ${files.length} files: ${findings.length === 0 ? "all valid" : `${findings.length} findings`}`;
    const stdout =
        opts.format === "json"
            ? `${JSON.stringify({ objects: manifests.length, files: files.length, valid: findings.length === 0, findings }, null, 2)}\n`
            : `${findings.map(formatFinding).join("\n")}${findings.length > 0 ? "\n" : ""}${summary}\n`;
    return { code: findings.length === 0 ? 0 : 1, stdout, stderr: "" };
}

if (require.main === module) {
    const result = run(process.argv.slice(2));
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.code;
}
