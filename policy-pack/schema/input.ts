/**
 * Reads Kubernetes manifests for the CLI: files and directories (recursively), multi-document
 * YAML, `List` kinds expanded. Parsing uses js-yaml, about ten times faster than `yaml` on large
 * files; `yaml` (which keeps positions) is used afterwards only to put a line on a finding.
 */
import * as fs from "fs";
import * as jsyaml from "js-yaml";
import type { Node } from "yaml";
import { KUBECTL_SCHEMA } from "../lib/yaml";
import { yamlFiles } from "./crds";

/** YAML as kubectl reads it (policy-pack/lib/yaml.ts), the same for the checker and the validator. */
export { KUBECTL_SCHEMA };

/** One object read from a manifest file. */
export interface Manifest {
    file: string;
    /** 1-based line where its document starts. */
    line: number;
    /** Index of its document in the file. */
    doc: number;
    /** Index in the `items` of a List document, if it came from one. */
    item?: number;
    object: unknown;
}

/** Input that cannot be read or parsed: the CLI exits 2. */
export class InputError extends Error {
    constructor(
        readonly file: string,
        readonly line: number | undefined,
        reason: string,
    ) {
        super(`${file}${line !== undefined ? `:${line}` : ""}: ${reason}`);
    }
}

/** The files named by the arguments: files as given, directories searched for YAML and JSON. */
export function inputFiles(args: string[]): string[] {
    const out: string[] = [];
    for (const arg of args) {
        if (!fs.existsSync(arg)) throw new InputError(arg, undefined, "no such file or directory");
        try {
            out.push(...yamlFiles(arg));
        } catch (e) {
            throw new InputError(arg, undefined, (e as Error).message);
        }
    }
    return out;
}

/** 1-based start lines of the documents of a YAML text, aligned with js-yaml's loadAll. */
export function documentLines(text: string): number[] {
    const lines = text.split("\n");
    const markers: number[] = [];
    let contentBeforeFirst = false;
    for (let i = 0; i < lines.length; i++) {
        const l = lines[i];
        if (l.startsWith("---")) markers.push(i + 1);
        else if (markers.length === 0 && l.trim() !== "" && !l.startsWith("#") && !l.startsWith("%")) contentBeforeFirst = true;
    }
    return contentBeforeFirst ? [1, ...markers] : markers.length > 0 ? markers : [1];
}

/** The objects of one file, or an InputError naming the file and line. */
export function readManifests(file: string): Manifest[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(file, undefined, (e as Error).message);
    }
    let docs: unknown[];
    try {
        docs = file.endsWith(".json") ? [JSON.parse(text)] : jsyaml.loadAll(text, undefined, { filename: file, schema: KUBECTL_SCHEMA });
    } catch (e) {
        const mark = (e as { mark?: { line: number } }).mark;
        throw new InputError(file, mark ? mark.line + 1 : undefined, (e as { reason?: string }).reason ?? (e as Error).message);
    }
    const starts = documentLines(text);
    const out: Manifest[] = [];
    docs.forEach((object, doc) => {
        if (object === null || object === undefined) return;
        const line = starts[doc] ?? 1;
        const o = object as { kind?: unknown; items?: unknown };
        if (typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items)) {
            o.items.forEach((item, i) => out.push({ file, line, doc, item: i, object: item }));
        } else {
            out.push({ file, line, doc, object });
        }
    });
    return out;
}

/** Files up to this size get exact lines for findings; larger ones get their document's line. */
const EXACT_LINES_MAX_BYTES = 2 * 1024 * 1024;

/** Splits a rendered field path (`spec.http[0].timeout`, `metadata.labels[a/b]`) into keys. */
export function pathKeys(path: string): (string | number)[] {
    const keys: (string | number)[] = [];
    for (const m of path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
        if (m[1] !== undefined) keys.push(m[1]);
        else keys.push(/^\d+$/.test(m[2]) ? Number(m[2]) : m[2]);
    }
    return keys;
}

/**
 * Returns a function giving the 1-based line of a field of a manifest, falling back to the line of
 * the nearest ancestor that exists (a missing required field points at its parent).
 */
export function lineFinder(file: string): ((m: Manifest, path: string) => number) | undefined {
    if (fs.statSync(file).size > EXACT_LINES_MAX_BYTES) return undefined;
    // Loaded only when a file has findings: a clean run never pays for the second parser.
    const { LineCounter, parseAllDocuments, isMap, isSeq } = require("yaml") as typeof import("yaml");
    const counter = new LineCounter();
    const docs = parseAllDocuments(fs.readFileSync(file, "utf8"), { lineCounter: counter });
    return (m, path) => {
        const doc = docs[m.doc];
        if (!doc || !("contents" in doc)) return m.line;
        let node: unknown = doc.contents;
        if (m.item !== undefined) node = isMap(node) ? (node.get("items", true) as unknown) : undefined;
        if (m.item !== undefined) node = isSeq(node) ? node.items[m.item] : undefined;
        let line = m.line;
        const at = (n: unknown) => {
            const range = (n as Node | undefined)?.range;
            if (range) line = counter.linePos(range[0]).line;
        };
        at(node);
        for (const key of pathKeys(path)) {
            if (isMap(node)) {
                const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
                if (!pair) break;
                at(pair.key);
                node = pair.value;
            } else if (isSeq(node) && typeof key === "number") {
                node = node.items[key];
                at(node);
            } else {
                break;
            }
        }
        return line;
    };
}
