/**
 * `istio-mesh:include`: the name-keyed mesh sections (namespaces, routes, external services) read from YAML
 * files of the repository as well as from the stack file.
 *
 * Why: the Pulumi Node.js language host hands the program the whole stack config in one environment
 * variable, PULUMI_CONFIG, and Linux caps a single environment string at 128 KiB (MAX_ARG_STRLEN): past about
 * 115 namespaces of a typical shape in the stack file, the program fails to start (E2BIG). Files in the
 * repository cost PULUMI_CONFIG only their paths, and let each team own its namespaces' file (CODEOWNERS).
 *
 * The files are read before parsing, so config.ts validates one merged section exactly as if the stack file
 * held it; `locateProblems` then points each problem of an entry that came from a file at the file and line.
 */
import * as fs from "fs";
import * as path from "path";
import { closest, ConfigError, Problem, show } from "./field";
import { longestStep, YamlSource } from "./yaml-source";

/** The stack config key listing the files and directories to read (paths relative to the project directory). */
export const INCLUDE_KEY = "include";

/** The sections an included file may hold: each is a map of name to settings, merged by name. */
export const INCLUDABLE = { namespaces: "namespace", routes: "route", externalServices: "external service" } as const;
export type IncludableSection = keyof typeof INCLUDABLE;
const SECTIONS = Object.keys(INCLUDABLE) as IncludableSection[];

/** Thrown when an include path or an included file is wrong; `unreadable` when one can't be read or parsed. */
export class IncludeError extends ConfigError {
    constructor(
        problems: readonly Problem[],
        readonly unreadable: boolean,
    ) {
        super(problems);
        this.name = "IncludeError";
    }
}

export interface IncludeOptions {
    /** The directory include paths are relative to: the project directory (Pulumi.yaml's). */
    root: string;
    /** How `root` is written in messages; "" (the default) shows the paths relative to it, as written. */
    shownRoot?: string;
    /** Where the stack config itself defines `<section>.<name>`, e.g. `Pulumi.dev.yaml:17:5`. */
    stackPlace?: (section: IncludableSection, name: string) => string | undefined;
}

/** Where an entry was defined: its file, and its key path there (`[section, name]`). */
interface EntryOrigin {
    source: YamlSource;
    path: [IncludableSection, string];
}

/** Per merged raw config: section -> entry name -> where it came from (only entries from files). */
const ORIGINS = new WeakMap<object, Map<IncludableSection, Map<string, EntryOrigin>>>();

/**
 * Reads the files `raw.include` names and merges their sections into `raw`'s, returning raw section values
 * without `include`. A directory stands for its `*.yaml`/`*.yml` files in name order (not recursive). Throws
 * an `IncludeError` listing every problem: a path that is missing or outside the project, YAML errors as
 * `<file>:<line>:<col>: <message>`, an unknown top-level key, a name defined twice.
 */
export function resolveIncludes(raw: Readonly<Record<string, unknown>>, opts: IncludeOptions): Record<string, unknown> {
    if (!(INCLUDE_KEY in raw)) {
        return { ...raw };
    }
    const { [INCLUDE_KEY]: include, ...rest } = raw;
    const problems: Problem[] = [];
    let unreadable = false;
    const files = includedFiles(include, opts, problems, () => (unreadable = true));

    const origins = new Map<IncludableSection, Map<string, EntryOrigin>>(SECTIONS.map((s) => [s, new Map()]));
    const merged = new Map<IncludableSection, Record<string, unknown>>();
    for (const section of SECTIONS) {
        const own = rest[section];
        if (own === undefined || own === null || (typeof own === "object" && !Array.isArray(own))) {
            merged.set(section, { ...((own ?? {}) as Record<string, unknown>) });
        }
        // Otherwise the stack's own value is not a map: the section's parser says so, and nothing merges into it.
    }
    for (const file of files) {
        const source = readYaml(file, problems, () => (unreadable = true));
        if (!source || source.data === null) continue;
        if (!isPlainMap(source.data)) {
            problems.push({ key: source.place([]), message: `an included file is a map with the keys ${SECTIONS.join(", ")} (got ${describe(source.data)})` });
            continue;
        }
        for (const [name, value] of Object.entries(source.data)) {
            if (!(SECTIONS as string[]).includes(name)) {
                const near = closest(name, SECTIONS);
                problems.push({
                    key: source.place([name]),
                    message: `unknown key ${show(name)}; ${near ? `did you mean "${near}"? ` : ""}an included file holds only ${SECTIONS.join(", ")}`,
                });
                continue;
            }
            const section = name as IncludableSection;
            if (value === null) continue;
            if (!isPlainMap(value)) {
                problems.push({
                    key: source.place([section], true),
                    message: `${section} must be a map of ${INCLUDABLE[section]} name to settings, as under istio-mesh:${section} (got ${describe(value)})`,
                });
                continue;
            }
            const target = merged.get(section);
            for (const [entryName, entry] of Object.entries(value)) {
                const first = origins.get(section)!.get(entryName);
                const inStack = target !== undefined && Object.hasOwn(target, entryName);
                const earlier = first ? first.source.place(first.path) : inStack ? (opts.stackPlace?.(section, entryName) ?? "the stack config") : undefined;
                if (earlier !== undefined) {
                    problems.push({
                        key: source.place([section, entryName]),
                        message: `istio-mesh:${section}.${entryName} is already defined in ${earlier}: define each ${INCLUDABLE[section]} in one place`,
                    });
                    continue;
                }
                origins.get(section)!.set(entryName, { source, path: [section, entryName] });
                // defineProperty: a "__proto__" entry stays an entry (and fails its name check) instead of a prototype.
                if (target) Object.defineProperty(target, entryName, { value: entry, enumerable: true, writable: true, configurable: true });
            }
        }
    }
    if (problems.length > 0) {
        throw new IncludeError(problems, unreadable);
    }
    const out: Record<string, unknown> = { ...rest };
    for (const [section, entries] of merged) {
        if (section in rest || Object.keys(entries).length > 0) out[section] = entries;
    }
    ORIGINS.set(out, origins);
    return out;
}

interface IncludedFile {
    /** The path read. */
    file: string;
    /** The path as messages show it. */
    shown: string;
}

/** The files `include` names, in order: directories expanded to their YAML files by name. */
function includedFiles(include: unknown, opts: IncludeOptions, problems: Problem[], unreadable: () => void): IncludedFile[] {
    const key = `istio-mesh:${INCLUDE_KEY}`;
    if (include === undefined || include === null) {
        return [];
    }
    if (!Array.isArray(include)) {
        problems.push({ key, message: `must be a list of paths relative to the project directory, e.g. [mesh/prod/namespaces] (got ${show(include)})` });
        return [];
    }
    const files: IncludedFile[] = [];
    const seen = new Map<string, number>();
    include.forEach((entry, i) => {
        const item = { key: `${key}[${i}]` };
        if (typeof entry !== "string" || entry.trim() === "") {
            return problems.push({ ...item, message: `must be a path relative to the project directory, e.g. mesh/prod/namespaces (got ${show(entry)})` });
        }
        const normal = path.normalize(entry);
        if (path.isAbsolute(entry) || normal === ".." || normal.startsWith(`..${path.sep}`)) {
            return problems.push({
                ...item,
                message: `must be a path inside the project directory, relative to it: deployments and CI check out only the repository (got ${show(entry)})`,
            });
        }
        const full = path.resolve(opts.root, entry);
        let stat: fs.Stats;
        try {
            stat = fs.statSync(full);
        } catch (err) {
            unreadable();
            const code = (err as NodeJS.ErrnoException).code;
            const what = code === "ENOENT" ? "does not exist" : `cannot be read: ${code ?? String(err)}`;
            return problems.push({ ...item, message: `${show(entry)} ${what} (paths are relative to the project directory, where Pulumi.yaml is)` });
        }
        let found: IncludedFile[];
        try {
            found = stat.isDirectory()
                ? yamlFilesOf(full).map((name) => ({ file: path.join(full, name), shown: path.join(opts.shownRoot ?? "", entry, name) }))
                : [{ file: full, shown: path.join(opts.shownRoot ?? "", entry) }];
        } catch (err) {
            unreadable();
            return problems.push({ ...item, message: `${show(entry)} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
        }
        if (found.length === 0) {
            return problems.push({ ...item, message: `${show(entry)} holds no *.yaml or *.yml file (subdirectories are not read)` });
        }
        for (const f of found) {
            const before = seen.get(f.file);
            if (before !== undefined) {
                problems.push({ ...item, message: `${f.shown} is already included by ${key}[${before}]: include each file once` });
                continue;
            }
            seen.set(f.file, i);
            files.push(f);
        }
        return undefined;
    });
    return files;
}

/** The `*.yaml`/`*.yml` names in a directory, not its subdirectories, in code-unit order (the same on every machine and locale). */
function yamlFilesOf(dir: string): string[] {
    const isDirectory = (name: string) => {
        try {
            return fs.statSync(path.join(dir, name)).isDirectory();
        } catch {
            return false; // a dangling link: reading it reports it
        }
    };
    return fs
        .readdirSync(dir)
        .filter((name) => /\.ya?ml$/.test(name) && !isDirectory(name))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** An included file's data, or undefined (with a problem recorded) when it can't be read or parsed. */
function readYaml(file: IncludedFile, problems: Problem[], unreadable: () => void): YamlSource | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file.file, "utf8");
    } catch (err) {
        unreadable();
        problems.push({ key: file.shown, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
        return undefined;
    }
    const source = YamlSource.parse(file.shown, text);
    if (source instanceof YamlSource) {
        return source;
    }
    unreadable();
    problems.push({ key: source.at, message: source.message });
    return undefined;
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
    return Array.isArray(value) ? "a list" : show(value);
}

/**
 * Prefixes the key of each problem in an entry read from a file with `<file>:<line>: `, the line of the
 * deepest node of the problem's key path found in that file. Problems of entries the stack file defines
 * (and every problem when `raw` did not come from `resolveIncludes`) are returned as they are.
 */
export function locateProblems(raw: object, problems: Problem[]): Problem[] {
    const origins = ORIGINS.get(raw);
    if (!origins) {
        return problems;
    }
    return problems.map((p) => {
        const m = /^istio-mesh:([A-Za-z]+)\.(.*)$/.exec(p.key);
        const entries = m ? origins.get(m[1] as IncludableSection) : undefined;
        if (!m || !entries) return p;
        const name = longestStep(m[2], entries.keys());
        if (name === undefined) return p;
        const origin = entries.get(name)!;
        const line = origin.source.line(origin.path, m[2].slice(name.length));
        // Problem has no field for a place, so it goes before the key path: `<file>:<line>: <key path>: <message>`.
        return { ...p, key: `${origin.source.shown}${line === undefined ? "" : `:${line}`}: ${p.key}` };
    });
}

/**
 * The project directory of a running program, which include paths are relative to: the directory of
 * Pulumi.yaml as the language host reports it (`--root-directory`). Under test mocks, or an engine that does
 * not report it, the SDK gives a placeholder; then the working directory, where the language host starts
 * the program (the directory of `main`, here the project directory itself: pulumi-main.js). The compiled
 * program runs from dist/, so its own location is never used.
 */
export function programRoot(): string {
    // Loaded here, not at the top: config:check reads includes without the Pulumi runtime.
    const { runtime } = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    const root = runtime.getRootDirectory();
    return path.isAbsolute(root) ? root : process.cwd();
}
