/**
 * A fast reader for the YAML that Kubernetes manifests use: block mappings and sequences, one-line flow
 * collections, plain and quoted scalars (plain and single-quoted ones may continue over lines), literal and
 * folded block scalars. On 25 MB of manifests it needs about half the CPU time of js-yaml. Anything outside
 * that subset (anchors, aliases, tags, complex or numeric keys, duplicate keys, multi-line flow collections,
 * tabs in indentation) returns {@link FALLBACK}, and the caller hands the document to js-yaml, which also
 * words every error. Scalars are typed with js-yaml's own core-schema resolvers, so both readers agree value
 * for value.
 */
import { bail, closes, Fallback, Flow, fold, intern, plain, quoted, stripComment } from "./yaml-scalars";

/** Returned when the document needs the full YAML parser. */
export const FALLBACK: unique symbol = Symbol("fallback");

/** A line: its indentation (spaces) and what follows it. */
interface Line { indent: number; content: string }

/** Parses one document; returns {@link FALLBACK} when it is outside the supported subset. */
export function parseFast(text: string): unknown {
    try {
        return new Reader(text).document();
    } catch (e) {
        if (e instanceof Fallback) return FALLBACK;
        throw e;
    }
}

class Reader {
    private readonly lines: Line[] = [];
    private i = 0;

    constructor(text: string) {
        let pos = 0;
        // The newline ending the last line does not open another one.
        while (pos < text.length || (pos === 0 && text.length === 0)) {
            let nl = text.indexOf("\n", pos);
            if (nl < 0) nl = text.length;
            let end = nl;
            if (end > pos && text.charCodeAt(end - 1) === 13) end--;
            let ind = pos;
            while (ind < end && text.charCodeAt(ind) === 32) ind++;
            if (ind < end && text.charCodeAt(ind) === 9) bail();
            this.lines.push({ indent: ind - pos, content: text.slice(ind, end) });
            pos = nl + 1;
        }
    }

    /** Skips blank and comment-only lines; returns the next significant line or undefined. */
    private peek(): Line | undefined {
        while (this.i < this.lines.length) {
            const l = this.lines[this.i];
            if (l.content.length > 0 && l.content.charCodeAt(0) !== 35) return l;
            this.i++;
        }
        return undefined;
    }

    document(): unknown {
        const l = this.peek();
        if (!l) return null;
        if (l.content.charCodeAt(0) === 37) bail(); // %YAML directive
        const v = this.node(l.indent, l.content);
        if (this.peek()) bail();
        return v;
    }

    /** A block node whose first line (already peeked, at `indent`) has content `content`. */
    private node(indent: number, content: string): unknown {
        if (isSeqEntry(content)) return this.sequence(indent);
        if (keyEnd(content) >= 0) return this.mapping(indent);
        return bail();
    }

    private mapping(indent: number): Record<string, unknown> {
        const obj: Record<string, unknown> = {};
        let entries = 0;
        for (let l = this.peek(); l && l.indent === indent; l = this.peek()) {
            this.entry(obj, indent, l.content);
            entries++;
        }
        // Duplicate keys are errors for js-yaml: a key set twice leaves fewer keys than entries. (Counting once
        // here is cheaper than looking each key up before setting it.)
        if (Object.keys(obj).length !== entries) bail();
        return obj;
    }

    /** One `key: value` of a mapping at `indent`; the line is current. */
    private entry(obj: Record<string, unknown>, indent: number, content: string): void {
        const sep = keyEnd(content);
        if (sep < 0) bail();
        const key = intern(scalarKey(content.slice(0, sep)));
        // `__proto__` would set the prototype instead of a key.
        if (key === "__proto__") bail();
        const rest = content.slice(sep + 1);
        obj[key] = this.value(indent, rest, true);
    }

    private sequence(indent: number): unknown[] {
        const out: unknown[] = [];
        for (let l = this.peek(); l && l.indent === indent && isSeqEntry(l.content); l = this.peek()) {
            const content = l.content;
            const rest = content.slice(1);
            const trimmed = rest.trimStart();
            if (trimmed !== "" && trimmed[0] !== "#" && (isSeqEntry(trimmed) || keyEnd(trimmed) >= 0) && !isFlowStart(trimmed)) {
                // A compact nested node: `- key: v` or `- - x`; continue as if it started at its own column.
                const col = indent + 1 + (rest.length - trimmed.length);
                l.indent = col;
                l.content = trimmed;
                out.push(this.node(col, trimmed));
            } else {
                out.push(this.value(indent, rest, false));
            }
        }
        return out;
    }

    /**
     * The value after `key:` or `-` on the current line (`rest`), for a node at `indent`. In a mapping, a
     * sequence may sit at the key's own indentation (`key:\n- a`).
     */
    private value(indent: number, rest: string, inMapping: boolean): unknown {
        const v = stripComment(rest).trim();
        this.i++;
        if (v === "") {
            const next = this.peek();
            if (next && next.indent > indent) return this.node(next.indent, next.content);
            if (inMapping && next && next.indent === indent && isSeqEntry(next.content)) return this.sequence(indent);
            return null;
        }
        const c = v.charCodeAt(0);
        if (c === 124 || c === 62) return this.blockScalar(indent, v);
        if (c === 38 || c === 42 || c === 33 || c === 63 || c === 64 || c === 96 || c === 37 || c === 44 || c === 93 || c === 125) bail(); // & * ! ? @ ` % , ] }
        let value: unknown;
        if (c === 123 || c === 91) {
            const f = new Flow(v);
            value = f.value();
            if (!f.done()) bail();
        } else if (c === 39 && !closes(v)) {
            value = this.multiLineSingleQuoted(indent, v);
        } else if (c === 34 || c === 39) {
            const [s, end] = quoted(v, 0);
            if (v.slice(end).trim() !== "") bail();
            value = s;
        } else {
            // `a: b` or `- x` inside a plain value is an error or a nested node to js-yaml.
            if (v.includes(": ") || v.endsWith(":") || (c === 45 && (v.length === 1 || v.charCodeAt(1) === 32))) bail();
            const next = this.peek();
            if (next && next.indent > indent) {
                if (rest.includes(" #")) bail();
                return plain(this.continuation(indent, [v]));
            }
            value = plain(v);
        }
        // A more indented line after a one-line value would be a multi-line scalar: leave it to js-yaml.
        const next = this.peek();
        if (next && next.indent > indent) bail();
        return value;
    }

    /**
     * A plain scalar continued on more indented lines: lines fold into one with spaces, blank lines become
     * newlines. Lines that could be read otherwise (comments, `key: value`, `- item`) are left to js-yaml.
     */
    private continuation(indent: number, parts: string[]): string {
        while (this.i < this.lines.length) {
            const l = this.lines[this.i];
            const blank = l.content === "";
            if (!blank && l.indent <= indent) break;
            const t = l.content.trim();
            if (t.startsWith("#") || t.includes(" #") || t.includes(": ") || t.endsWith(":") || t.startsWith("- ") || t === "-") bail();
            parts.push(t);
            this.i++;
        }
        while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
        return fold(parts);
    }

    /** A single-quoted scalar that closes on a later line (long descriptions in CRDs). */
    private multiLineSingleQuoted(indent: number, first: string): string {
        const parts = [first.slice(1).trimEnd()];
        for (;;) {
            if (this.i >= this.lines.length) bail();
            const l = this.lines[this.i++];
            const blank = l.content === "";
            if (!blank && l.indent <= indent) bail();
            const t = l.content.trim();
            if (closes("'" + t)) {
                const [, end] = quoted("'" + t, 0);
                if (t.slice(end - 1).trim() !== "") bail();
                parts.push(t.slice(0, end - 2));
                return fold(parts).replace(/''/g, "'");
            }
            parts.push(t);
        }
    }

    /** `|`, `|-`, `|+`, `>`, `>-`, `>+` and the indented lines that follow. */
    private blockScalar(indent: number, header: string): string {
        const m = /^([|>])([+-]?)$/.exec(header);
        if (!m) bail();
        const [, style, chomp] = m!;
        const body: Line[] = [];
        let contentIndent = -1;
        while (this.i < this.lines.length) {
            const l = this.lines[this.i];
            if (l.content !== "") {
                if (l.indent <= indent) break;
                if (contentIndent < 0) contentIndent = l.indent;
                if (l.indent < contentIndent) bail();
            }
            body.push(l);
            this.i++;
        }
        // Whitespace beyond the indentation on a blank line is content in YAML: leave that to js-yaml.
        if (body.some(l => l.content.trim() === "" && l.indent + l.content.length > Math.max(contentIndent, 0))) bail();
        // Trailing blank lines belong to the scalar only for chomping; lines at the end of the stream too.
        let end = body.length;
        while (end > 0 && body[end - 1].content.trim() === "") end--;
        const trailing = body.length - end;
        const content = body.slice(0, end).map(l =>
            (l.content.trim() === "" ? "" : " ".repeat(l.indent - contentIndent) + l.content));
        let text: string;
        if (style === "|") {
            text = content.join("\n");
        } else {
            if (content.some(t => t.startsWith(" ") || t.startsWith("\t"))) bail();
            text = "";
            for (let k = 0; k < content.length; k++) {
                const t = content[k];
                if (k > 0) text += t === "" || content[k - 1] === "" ? "\n" : " ";
                text += t;
            }
            if (content.includes("")) bail(); // folding around blank lines has subtle rules: leave to js-yaml
        }
        if (content.length === 0) return chomp === "+" ? "\n".repeat(trailing) : "";
        if (chomp === "-") return text;
        if (chomp === "+") return text + "\n" + "\n".repeat(trailing);
        return text + "\n";
    }
}

function isSeqEntry(content: string): boolean {
    return content.charCodeAt(0) === 45 && (content.length === 1 || content.charCodeAt(1) === 32);
}

function isFlowStart(s: string): boolean {
    return s[0] === "{" || s[0] === "[";
}

/**
 * The index of the `:` ending a mapping key in `content`, or -1. Keys are plain (up to the first `: ` or
 * a final `:`) or quoted.
 */
function keyEnd(content: string): number {
    const c = content.charCodeAt(0);
    if (c === 34 || c === 39) {
        const [, end] = quoted(content, 0);
        return content.charCodeAt(end) === 58 && (end + 1 === content.length || content.charCodeAt(end + 1) === 32) ? end : -1;
    }
    if (c === 123 || c === 91 || c === 35 || c === 63 || c === 38 || c === 42 || c === 33) return -1;
    let from = 0;
    for (;;) {
        const k = content.indexOf(":", from);
        if (k < 0) return -1;
        if (k + 1 === content.length || content.charCodeAt(k + 1) === 32) {
            // A ` #` before the colon makes it part of a comment. Most lines have no `#` at all.
            const hash = content.indexOf("#");
            if (hash < 0 || hash > k) return k;
            return content.lastIndexOf(" #", k) >= 0 ? -1 : k;
        }
        from = k + 1;
    }
}

function scalarKey(raw: string): string {
    const k = raw.trim();
    const c = k.charCodeAt(0);
    if (c === 34 || c === 39) return quoted(k, 0)[0];
    const v = plain(k);
    // js-yaml turns non-string keys into their string form; keep it simple and exact by bailing.
    if (typeof v !== "string") bail();
    return k;
}

