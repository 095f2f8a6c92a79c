/**
 * One YAML file read for its data, with positions on demand. The data comes from js-yaml (core schema),
 * several times faster than building the `yaml` package's Document: a thousand namespaces in ten files
 * read in about a tenth of the time. The Document, with its line index, is built only when a message
 * needs a position, which is only when something is wrong.
 */
import { CORE_SCHEMA, load, YAMLException } from "js-yaml";
import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument, YAMLError } from "yaml";

/**
 * A YAML parse error as one sentence: without the parser's own " at line L, column C:" (the caller puts the
 * position first) and, for a repeated key, naming the key.
 */
export function yamlProblem(text: string, e: YAMLError): string {
    if (e.code === "DUPLICATE_KEY") {
        // The error points at the key's first character; the key runs to its closing quote or to ": ".
        const key = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\n]*?(?=:(?:\s|$)))/m.exec(text.slice(e.pos[0]))?.[0].trim() ?? "";
        return `duplicate key ${JSON.stringify(key.replace(/^["']|["']$/g, ""))}: a key may appear once in a map`;
    }
    return e.message
        .split("\n")[0]
        .replace(/ at line \d+, column \d+:?$/, "")
        .replace(/:$/, "");
}

export class YamlSource {
    private parsed?: { root: unknown; lines: LineCounter } | null;

    private constructor(
        /** The file as messages show it. */
        readonly shown: string,
        private readonly text: string,
        /** The file's data: plain objects, lists and scalars of YAML's core schema. */
        readonly data: unknown,
    ) {}

    /**
     * Parses `text`; on a syntax error or a duplicated key returns the first problem as
     * `{ at: "<file>:<line>:<col>", message }`, worded as the stack file reader words it (the `yaml` package).
     */
    static parse(shown: string, text: string): YamlSource | { at: string; message: string } {
        try {
            return new YamlSource(shown, text, load(text, { schema: CORE_SCHEMA, filename: shown }) ?? null);
        } catch (err) {
            if (!(err instanceof YAMLException)) throw err;
            const lines = new LineCounter();
            const e = parseDocument(text, { lineCounter: lines, uniqueKeys: true }).errors[0];
            const pos = e?.linePos?.[0] ?? { line: err.mark.line + 1, col: err.mark.column + 1 };
            const said = e ? yamlProblem(text, e) : err.reason;
            const message = said.startsWith("Source contains multiple documents") ? "holds more than one YAML document (---): a file is one map" : said;
            return { at: `${shown}:${pos.line}:${pos.col}`, message };
        }
    }

    /**
     * `<file>:<line>:<col>` of the key at `path` (map keys; `[]`: the document), or of its value with
     * `value`. Just the file when the position can't be found.
     */
    place(path: readonly string[], value = false): string {
        const found = this.find(path);
        const node = found && (value ? found.value : (found.key ?? found.value));
        const offset = (node as Node | undefined)?.range?.[0];
        if (offset === undefined) return this.shown;
        const pos = this.document()!.lines.linePos(offset);
        return `${this.shown}:${pos.line}:${pos.col}`;
    }

    /**
     * The line of the deepest node a problem's key path reaches below the entry at `path`: `rest` is the
     * key path after the entry (`.mtls.migration`, `.allow[1].methods[0]`); undefined without a position.
     */
    line(path: readonly string[], rest: string): number | undefined {
        const found = this.find(path);
        if (!found) return undefined;
        let offset = (found.key ?? found.value)?.range?.[0];
        let node: unknown = found.value;
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
            const keys = node.items.map((pair) => keyText(pair.key));
            const key = longestStep(rest.slice(1), keys);
            if (key === undefined) break;
            const pair = node.items[keys.indexOf(key)];
            offset = (pair.key as Node).range?.[0] ?? offset;
            node = pair.value;
            rest = rest.slice(1 + key.length);
        }
        return offset === undefined ? undefined : this.document()!.lines.linePos(offset).line;
    }

    private document(): { root: unknown; lines: LineCounter } | null {
        if (this.parsed === undefined) {
            const lines = new LineCounter();
            const doc = parseDocument(this.text, { lineCounter: lines, uniqueKeys: true });
            // js-yaml accepted the file; should the stricter parser not, messages go without positions.
            this.parsed = doc.errors.length > 0 ? null : { root: doc.contents, lines };
        }
        return this.parsed;
    }

    /** The key and value nodes at a path of map keys (the document itself for `[]`). */
    private find(path: readonly string[]): { key?: Node; value?: Node } | undefined {
        const doc = this.document();
        if (!doc) return undefined;
        let found: { key?: Node; value?: Node } = { value: doc.root as Node };
        for (const step of path) {
            if (!isMap(found.value)) return undefined;
            const pair = found.value.items.find((p) => keyText(p.key) === step);
            if (!pair) return undefined;
            found = { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
        }
        return found;
    }
}

function keyText(key: unknown): string {
    return String(isScalar(key) ? key.value : key);
}

/** The longest of `names` that `rest` starts with, followed by the end or the next path step. */
export function longestStep(rest: string, names: Iterable<string>): string | undefined {
    let best: string | undefined;
    for (const name of names) {
        const next = rest.charAt(name.length);
        if (rest.startsWith(name) && (next === "" || next === "." || next === "[") && name.length > (best?.length ?? -1)) {
            best = name;
        }
    }
    return best;
}
