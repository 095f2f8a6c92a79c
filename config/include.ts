/**
 * `istio-mesh:include`: the name-keyed mesh sections (namespaces, routes, external services) read from YAML
 * files of the repository as well as from the stack file.
 *
 * Why: the Pulumi Node.js language host hands the program the whole stack config in one environment
 * variable, PULUMI_CONFIG, and Linux caps a single environment string at 128 KiB (MAX_ARG_STRLEN): a stack
 * file with a few hundred namespaces makes the program fail to start (E2BIG). Files in the repository cost
 * PULUMI_CONFIG only their paths, and let each team own its namespaces' file (CODEOWNERS).
 *
 * The files are read before parsing, so config.ts validates one merged section exactly as if the stack file
 * held it; `locateProblems` then points each problem of an entry that came from a file at the file and line.
 */
import * as fs from "fs";
import * as path from "path";
import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument, Scalar, YAMLMap } from "yaml";
import { closest, ConfigError, Problem, show } from "./field";

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

/** Where an entry was defined: its file (as shown), and its key and value nodes there. */
interface EntryOrigin {
    file: string;
    lines: LineCounter;
    key: Node;
    value: unknown;
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
        const doc = readYaml(file, problems, () => (unreadable = true));
        if (!doc) continue;
        for (const pair of doc.root.items) {
            const key = pair.key as Node;
            const name = String(isScalar(key) ? key.value : key);
            if (!(SECTIONS as string[]).includes(name)) {
                const near = closest(name, SECTIONS);
                problems.push(at(file, doc.lines, key, `unknown key ${show(name)}; ${near ? `did you mean "${near}"? ` : ""}an included file holds only ${SECTIONS.join(", ")}`));
                continue;
            }
            const section = name as IncludableSection;
            const value = pair.value as Node | null;
            if (value === null || (isScalar(value) && value.value === null)) continue;
            if (!isMap(value)) {
                problems.push(at(file, doc.lines, value, `${section} must be a map of ${INCLUDABLE[section]} name to settings, as under istio-mesh:${section} (got ${describe(value)})`));
                continue;
            }
            const target = merged.get(section);
            const data = doc.data[section] as Record<string, unknown>;
            for (const entry of value.items) {
                const entryKey = entry.key as Node;
                const entryName = String(isScalar(entryKey) ? entryKey.value : entryKey);
                const first = origins.get(section)!.get(entryName);
                const inStack = target !== undefined && Object.hasOwn(target, entryName);
                const earlier = first ? place(first.file, first.lines, first.key) : inStack ? (opts.stackPlace?.(section, entryName) ?? "the stack config") : undefined;
                if (earlier !== undefined) {
                    problems.push(at(file, doc.lines, entryKey, `istio-mesh:${section}.${entryName} is already defined in ${earlier}: define each ${INCLUDABLE[section]} in one place`));
                    continue;
                }
                origins.get(section)!.set(entryName, { file: file.shown, lines: doc.lines, key: entryKey, value: entry.value });
                // defineProperty: a "__proto__" entry stays an entry (and fails its name check) instead of a prototype.
                if (target) Object.defineProperty(target, entryName, { value: data[entryName], enumerable: true, writable: true, configurable: true });
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
            return problems.push({ ...item, message: `must be a path inside the project directory, relative to it: deployments and CI check out only the repository (got ${show(entry)})` });
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
        const found = stat.isDirectory()
            ? fs
                  .readdirSync(full, { withFileTypes: true })
                  .filter((d) => /\.ya?ml$/.test(d.name) && fs.statSync(path.join(full, d.name)).isFile())
                  .map((d) => d.name)
                  // Code-unit order, the same on every machine and locale.
                  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
                  .map((name) => ({ file: path.join(full, name), shown: path.join(opts.shownRoot ?? "", entry, name) }))
            : [{ file: full, shown: path.join(opts.shownRoot ?? "", entry) }];
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

/** A parsed included file: its top-level map, its plain data and its line index. */
function readYaml(file: IncludedFile, problems: Problem[], unreadable: () => void): { root: YAMLMap; data: Record<string, unknown>; lines: LineCounter } | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file.file, "utf8");
    } catch (err) {
        unreadable();
        problems.push({ key: file.shown, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
        return undefined;
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
    if (doc.errors.length > 0) {
        unreadable();
        // The first error only: the parser's later ones mostly follow from it.
        const e = doc.errors[0];
        const pos = e.linePos?.[0];
        const message = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        problems.push({ key: pos ? `${file.shown}:${pos.line}:${pos.col}` : file.shown, message });
        return undefined;
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) {
        return undefined;
    }
    if (!isMap(root)) {
        problems.push(at(file, lines, root, `an included file is a map with the keys ${SECTIONS.join(", ")} (got ${describe(root)})`));
        return undefined;
    }
    return { root, data: doc.toJS() as Record<string, unknown>, lines };
}

function describe(node: Node): string {
    return isSeq(node) ? "a list" : isScalar(node) ? show((node as Scalar).value) : "a non-map value";
}

/** `<file>:<line>:<col>` of a node. */
function place(file: string, lines: LineCounter, node: Node): string {
    const pos = lines.linePos(node.range?.[0] ?? 0);
    return `${file}:${pos.line}:${pos.col}`;
}

function at(file: IncludedFile, lines: LineCounter, node: Node, message: string): Problem {
    return { key: place(file.shown, lines, node), message };
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
        const name = longestPrefix(m[2], [...entries.keys()]);
        if (name === undefined) return p;
        const origin = entries.get(name)!;
        const offset = descend(origin.value, m[2].slice(name.length), origin.key.range?.[0] ?? 0);
        return { ...p, key: `${origin.file}:${origin.lines.linePos(offset).line}: ${p.key}` };
    });
}

/** The longest of `names` that `rest` starts with, followed by the end or the next path step. */
function longestPrefix(rest: string, names: readonly string[]): string | undefined {
    let best: string | undefined;
    for (const name of names) {
        const next = rest.charAt(name.length);
        if (rest.startsWith(name) && (next === "" || next === "." || next === "[") && name.length > (best?.length ?? -1)) {
            best = name;
        }
    }
    return best;
}

/** Follows `.key` and `[i]` steps from `node`; the offset of the deepest key or item found. */
function descend(node: unknown, rest: string, offset: number): number {
    while (rest !== "") {
        const index = /^\[(\d+)\]/.exec(rest);
        if (index && isSeq(node)) {
            const item = node.items[Number(index[1])] as Node | undefined;
            if (!item) break;
            offset = item.range?.[0] ?? offset;
            node = item;
            rest = rest.slice(index[0].length);
            continue;
        }
        if (!rest.startsWith(".") || !isMap(node)) break;
        const keys = node.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
        const key = longestPrefix(rest.slice(1), keys);
        if (key === undefined) break;
        const pair = node.items[keys.indexOf(key)];
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
        rest = rest.slice(1 + key.length);
    }
    return offset;
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
