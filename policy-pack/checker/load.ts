/** Reads Kubernetes manifests (multi-document YAML or JSON files, directories recursively) for the checker. */
import * as fs from "fs";
import * as path from "path";
import { load, YAMLException } from "js-yaml";
import { Obj, typeTokenOf } from "../lib/k8s";
import { compactDocument, KUBECTL_SCHEMA } from "../lib/yaml";

/** A manifest object dressed as a Pulumi resource, so the pack's policies run on it unchanged. */
export interface ManifestResource {
    type: string;
    props: Obj;
    urn: string;
    name: string;
    /** `file:line` of the document. */
    source: string;
}

/** Input that cannot be read or parsed; the CLI exits with 2. */
export class InputError extends Error {
    constructor(
        readonly file: string,
        readonly line: number | undefined,
        detail: string,
    ) {
        super(`${file}${line !== undefined ? `:${line}` : ""}: ${detail}`);
    }
}

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/** Files named on the command line, with directories expanded recursively (YAML and JSON files only, sorted). */
export function collectFiles(inputs: string[]): string[] {
    const out: string[] = [];
    const visit = (p: string, explicit: boolean) => {
        let st: fs.Stats;
        try {
            st = fs.statSync(p);
        } catch (e) {
            throw new InputError(p, undefined, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
        if (st.isDirectory()) {
            for (const entry of fs.readdirSync(p).sort()) {
                if (entry.startsWith(".") || entry === "node_modules") continue;
                visit(path.join(p, entry), false);
            }
        } else if (explicit || MANIFEST_EXTENSIONS.has(path.extname(p).toLowerCase())) {
            out.push(p);
        }
    };
    for (const i of inputs) visit(i, true);
    return out;
}

const NOT_BLANK = /\S/;

/** One YAML document of a file and the line it starts on (1-based). */
export interface Document {
    text: string;
    line: number;
}

/**
 * Splits a YAML stream at `---` and `...` lines. Manifests never put these at column 0 inside a block scalar,
 * so splitting by line is exact, and it lets each document be parsed and located on its own.
 */
export function splitDocuments(text: string): Document[] {
    const docs: Document[] = [];
    let start = 0;
    let startLine = 1;
    let lineNo = 1;
    let pos = 0;
    let current: string[] = [];
    const flush = (end: number) => {
        const body = current.join("") + text.slice(start, end);
        if (NOT_BLANK.test(body)) docs.push({ text: body, line: startLine });
        current = [];
    };
    while (pos <= text.length) {
        let nl = text.indexOf("\n", pos);
        if (nl < 0) nl = text.length;
        const c0 = text.charCodeAt(pos);
        if ((c0 === 45 || c0 === 46) && (text.startsWith("---", pos) || text.startsWith("...", pos))) {
            const after = text.charCodeAt(pos + 3);
            if (nl === pos + 3 || after === 32 || after === 9 || after === 13) {
                flush(pos);
                const rest = text.slice(pos + 3, nl).trim();
                // `--- {inline}` keeps its content on the separator line.
                current = rest !== "" && !rest.startsWith("#") && text[pos] === "-" ? [rest + "\n"] : [];
                start = nl + 1;
                startLine = current.length > 0 ? lineNo : lineNo + 1;
            }
        }
        pos = nl + 1;
        lineNo++;
    }
    flush(text.length);
    return docs;
}

/**
 * Parses one file into resources; throws {@link InputError} naming the file and line on malformed input.
 * YAML is read as kubectl reads it (lib/yaml.ts).
 */
export function loadFile(file: string, display: string = file): ManifestResource[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(display, undefined, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    return loadText(text, display);
}

/** Parses the text of a manifest file named `display` into resources, as {@link loadFile} does. */
export function loadText(text: string, display: string): ManifestResource[] {
    const out: ManifestResource[] = [];
    for (const doc of splitDocuments(text)) {
        let value: unknown;
        try {
            value = load(doc.text, { schema: KUBECTL_SCHEMA, filename: display });
        } catch (e) {
            const lastLine = doc.line + doc.text.replace(/\n+$/, "").split("\n").length - 1;
            const line = e instanceof YAMLException && e.mark ? Math.min(doc.line + e.mark.line, lastLine) : doc.line;
            const reason = e instanceof YAMLException ? e.reason : String(e);
            throw new InputError(display, line, `YAML parse error: ${reason}`);
        }
        if (value === null || value === undefined) continue;
        addObject(compactDocument(value, doc.text), display, doc.line, out);
    }
    return out;
}

/**
 * One flat string. V8 keeps a template literal's result as a tree of its parts (about 30 bytes a node), and
 * every object keeps its URN and source for the whole run: as trees they took 20 MB more at 100,000 objects.
 */
const flat = (...parts: (string | number)[]) => parts.join("");

function addObject(value: unknown, file: string, line: number, out: ManifestResource[]): void {
    if (typeof value !== "object" || Array.isArray(value)) {
        throw new InputError(file, line, "document is not a Kubernetes object (expected a map with apiVersion and kind)");
    }
    const o = value as Obj;
    if (typeof o.apiVersion !== "string" || typeof o.kind !== "string" || o.apiVersion === "" || o.kind === "") {
        throw new InputError(file, line, "document has no apiVersion or kind, so it is not a Kubernetes object");
    }
    if (o.kind === "List" || (o.kind.endsWith("List") && Array.isArray(o.items))) {
        for (const item of Array.isArray(o.items) ? o.items : []) addObject(item, file, line, out);
        return;
    }
    const type = typeTokenOf(o.apiVersion, o.kind);
    const ns = typeof o.metadata?.namespace === "string" ? o.metadata.namespace : "";
    const name = typeof o.metadata?.name === "string" ? o.metadata.name : `${file}:${line}`;
    out.push({
        type,
        props: o,
        urn: flat("urn:pulumi:guard::manifests::", type, "::", ns ? `${ns}/` : "", name, "@", file, ":", line, "#", out.length),
        name,
        source: flat(file, ":", line),
    });
}
