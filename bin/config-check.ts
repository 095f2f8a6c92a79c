/**
 * `npm run config:check -- Pulumi.<stack>.yaml [...]`: validates stack files the way the program does,
 * without the Pulumi CLI, the files their `istio-mesh:include` names included. Secrets the stack needs but
 * the file lacks are listed on stderr (they may come from `pulumi config set --secret` or ESC). Exit 0 when valid, 1 when a
 * file is invalid (one `<file>:<line>: <key path>: <problem>` line per problem, the stack file's line or the
 * included file's), 2 when a stack file or an included file can't be read or parsed (with the line).
 */
import * as fs from "fs";
import * as path from "path";
import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument, Scalar, YAMLMap } from "yaml";
import { checkMeshConfig, formatProblems, Problem, PROJECT } from "../config";
import { checkChartDirectory } from "../config/environment";
import { yamlProblem, YamlSource } from "../config/yaml-source";
import { INCLUDE_KEY, IncludeError, resolveIncludes } from "../config/include";

/** Stands in for an encrypted value: it can't be decrypted here, and only its presence matters. */
export const SECRET_PLACEHOLDER = "[secret]";

export class StackFileError extends Error {}

/**
 * Reads a stack file's `istio-mesh:*` keys as raw section values, with the files its `istio-mesh:include`
 * names merged in (relative to the project directory: see `projectDirectory`). Throws a `StackFileError`
 * when the stack file is unreadable, an `IncludeError` when an included file or path is wrong.
 */
export function readStackFile(file: string): Record<string, unknown> {
    const { raw, position } = readStackConfig(file);
    const root = projectDirectory(file);
    const place = (section: string, entry?: string | number): string | undefined => {
        const pos = position(section, entry);
        return pos && `${file}:${pos.line}:${pos.col}`;
    };
    try {
        return resolveIncludes(raw, { root, shownRoot: root, stackPlace: place });
    } catch (err) {
        if (!(err instanceof IncludeError)) throw err;
        // A problem of the include list itself: name the stack file and the line of the entry.
        const located = err.problems.map((p) => {
            const m = new RegExp(`^${PROJECT}:${INCLUDE_KEY}(?:\\[(\\d+)\\])?$`).exec(p.key);
            const pos = m ? position(INCLUDE_KEY, m[1] === undefined ? undefined : Number(m[1])) : undefined;
            return pos ? { ...p, key: `${file}:${pos.line}: ${p.key}` } : p;
        });
        throw new IncludeError(located, err.unreadable);
    }
}

/**
 * The directory include paths are relative to: the nearest directory above the stack file holding
 * Pulumi.yaml (stack files may live in a subdirectory, Pulumi.yaml's `stackConfigDir`), else the stack
 * file's own. Written the way `file` is (relative stays relative), since messages show it.
 */
export function projectDirectory(file: string): string {
    for (let dir = path.dirname(file); ; dir = path.join(dir, "..")) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml")) || fs.existsSync(path.join(dir, "Pulumi.yml"))) {
            return dir;
        }
        if (path.resolve(dir) === path.resolve(dir, "..")) {
            return path.dirname(file);
        }
    }
}

/** Where a stack file sets `istio-mesh:<section>`, or one entry (by name or list index) of it. */
export type StackPosition = (section: string, entry?: string | number) => { line: number; col: number } | undefined;

/**
 * A stack file's `istio-mesh:*` keys as raw section values, `include` as written (not read), and the
 * position of a key in the file, for messages naming both places of a name defined twice.
 */
export function readStackConfig(file: string): { raw: Record<string, unknown>; position: StackPosition } {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new StackFileError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
    if (doc.errors.length > 0) {
        const e = doc.errors[0];
        const at = e.linePos?.[0];
        throw new StackFileError(`${file}${at ? `:${at.line}:${at.col}` : ""}: ${yamlProblem(text, e)}`);
    }
    const root = doc.contents;
    if (root === null) {
        return { raw: {}, position: () => undefined };
    }
    const config = isMap(root) ? root.get("config", true) : undefined;
    if (!isMap(root) || (config !== undefined && !isMap(config))) {
        const node = (config ?? root) as Scalar | YAMLMap;
        const line = node.range ? lines.linePos(node.range[0]).line : 1;
        throw new StackFileError(`${file}:${line}: a stack file is a map with a "config:" map of key: value`);
    }
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries((config?.toJSON() ?? {}) as Record<string, unknown>)) {
        if (key.startsWith(`${PROJECT}:`)) {
            raw[key.slice(PROJECT.length + 1)] = replaceSecrets(value);
        }
    }
    const position: StackPosition = (section, entry) => {
        const pair = isMap(config) ? config.items.find((p) => isScalar(p.key) && p.key.value === `${PROJECT}:${section}`) : undefined;
        const value = pair?.value;
        let node = pair?.key as Node | undefined;
        if (entry !== undefined) {
            node =
                typeof entry === "number"
                    ? isSeq(value)
                        ? (value.items[entry] as Node | undefined)
                        : undefined
                    : isMap(value)
                      ? (value.items.find((p) => isScalar(p.key) && String(p.key.value) === entry)?.key as Node | undefined)
                      : undefined;
        }
        const at = node?.range?.[0];
        return at === undefined ? undefined : lines.linePos(at);
    };
    return { raw, position };
}

/**
 * Prefixes each problem of the stack file's own config with `<file>:<line>: `, the line of the deepest node
 * of its key path found there. Problems already located (entries of included files) stay as they are.
 */
export function locateInStackFile(file: string, problems: Problem[]): Problem[] {
    const source = YamlSource.parse(file, fs.readFileSync(file, "utf8"));
    if (!(source instanceof YamlSource)) return problems;
    return problems.map((p) => {
        const m = new RegExp(`^${PROJECT}:([A-Za-z]+)(.*)$`).exec(p.key);
        const line = m ? source.line(["config", `${PROJECT}:${m[1]}`], m[2]) : undefined;
        return line === undefined ? p : { ...p, key: `${file}:${line}: ${p.key}` };
    });
}

/** `{ secure: v1:... }` is how the CLI stores an encrypted value. */
function replaceSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(replaceSecrets);
    }
    if (value !== null && typeof value === "object") {
        const keys = Object.keys(value);
        if (keys.length === 1 && keys[0] === "secure") {
            return SECRET_PLACEHOLDER;
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecrets(v)]));
    }
    return value;
}

export function main(args: string[]): number {
    const files = args.filter((a) => a !== "--");
    if (files.length === 0) {
        process.stderr.write("usage: npm run config:check -- Pulumi.<stack>.yaml [...]\n");
        return 2;
    }
    let status = 0;
    for (const file of files) {
        let raw: Record<string, unknown>;
        try {
            raw = readStackFile(file);
        } catch (err) {
            if (err instanceof StackFileError || (err instanceof IncludeError && err.unreadable)) {
                process.stderr.write(`${err instanceof IncludeError ? formatProblems(err.problems) : err.message}\n`);
                return 2;
            }
            if (err instanceof IncludeError) {
                process.stdout.write(`${formatProblems(err.problems)}\n`);
                status = 1;
                continue;
            }
            throw err;
        }
        const { config, problems, missingSecrets } = checkMeshConfig(raw, { isSecret: (section) => raw[section] === SECRET_PLACEHOLDER });
        // As the program does at start: a local chart directory must exist and hold istio.version's charts.
        if (config) problems.push(...checkChartDirectory(config.istio, projectDirectory(file)));
        if (problems.length > 0) {
            process.stdout.write(`${formatProblems(locateInStackFile(file, problems))}\n`);
            status = 1;
        } else {
            process.stdout.write(`${file}: valid\n`);
            // Not in the file is not missing: the stack's secrets may come from `pulumi config set --secret` or ESC.
            for (const p of missingSecrets) {
                process.stderr.write(`${file}: needs secret ${p.key} before pulumi preview: ${p.message}\n`);
            }
        }
    }
    return status;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
