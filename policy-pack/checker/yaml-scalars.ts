/**
 * Scalars and one-line flow collections for the fast YAML reader (`yaml-fast.ts`): typed as js-yaml's core
 * schema types them, and bailing out (to js-yaml) on anything outside the manifest subset.
 */
import { CORE_SCHEMA, Type } from "js-yaml";

/** Thrown to hand a document to js-yaml. */
export class Fallback extends Error {}
export const bail = (): never => { throw new Fallback(); };

const IMPLICIT: Type[] = (CORE_SCHEMA as unknown as { compiledImplicit: Type[] }).compiledImplicit;

const DECIMAL = /^-?(?:0|[1-9][0-9]*)$/;

/** The only words the core schema reads as null or booleans. */
const WORDS = new Set(["~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"]);

/** Whether a character starts one of the {@link WORDS}: `~`, `n`, `N`, `t`, `T`, `f`, `F`. */
const wordStart = (c: number) => c === 110 || c === 116 || c === 102 || c === 78 || c === 84 || c === 70 || c === 126;

/** Types a plain scalar as js-yaml's core schema does (null, bool, int, float, else string). */
export function plain(s: string): unknown {
    if (s === "") return null;
    const c = s.charCodeAt(0);
    const numeric = (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46;
    // Plain decimal integers, the most common number in manifests, without the resolvers' regexes.
    if (numeric && s.length < 16 && DECIMAL.test(s)) return Number(s);
    // Numbers start with a digit, a sign or a dot; null and booleans are a handful of words (looked up only
    // for a short scalar with a word's first letter: hashing every short scalar costs more).
    if (numeric || (s.length <= 5 && wordStart(c) && WORDS.has(s))) {
        for (const t of IMPLICIT) if (t.resolve(s)) return t.construct(s);
    }
    return s;
}

const keys = new Map<string, string>();
const MAX_KEYS = 20_000;

/**
 * The one copy of a mapping key. Keys sliced from the text are new strings each time, and setting a property
 * by a new string costs V8 a trip to its runtime; the same string every time takes its fast path. Bounded:
 * past that many distinct keys, new ones are used as they come.
 */
export function intern(key: string): string {
    const known = keys.get(key);
    if (known !== undefined) return known;
    if (keys.size < MAX_KEYS) keys.set(key, key);
    return key;
}

/** YAML line folding: one line break becomes a space, each blank line a newline. */
export function fold(parts: string[]): string {
    let out = parts[0];
    let blanks = 0;
    for (let k = 1; k < parts.length; k++) {
        if (parts[k] === "") { blanks++; continue; }
        out += blanks > 0 ? "\n".repeat(blanks) : " ";
        out += parts[k];
        blanks = 0;
    }
    return out;
}

/** True when a single-quoted scalar starting at 0 closes on this line. */
export function closes(s: string): boolean {
    for (let k = 1; k < s.length; k++) {
        if (s[k] === "'") {
            if (s[k + 1] === "'") { k++; continue; }
            return true;
        }
    }
    return false;
}

/** Drops a trailing ` # comment` outside quotes and flow brackets' strings. */
export function stripComment(s: string): string {
    const hash = s.indexOf("#");
    if (hash < 0) return s;
    let q = 0;
    for (let k = 0; k < s.length; k++) {
        const ch = s.charCodeAt(k);
        if (q === 0 && ch === 35 && (k === 0 || s.charCodeAt(k - 1) === 32)) return s.slice(0, k);
        if (ch === 34 || ch === 39) {
            if (q === 0) q = ch;
            else if (q === ch) {
                if (ch === 39 && s.charCodeAt(k + 1) === 39) k++;
                else q = 0;
            }
        } else if (ch === 92 && q === 34) {
            k++;
        }
    }
    return s;
}

const JSON_ESCAPES = /\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})/;

/** A quoted scalar starting at `start`; returns its value and the index after the closing quote. */
export function quoted(s: string, start: number): [string, number] {
    const q = s[start];
    if (q === "'") {
        let out = "";
        let k = start + 1;
        for (;;) {
            const e = s.indexOf("'", k);
            if (e < 0) bail();
            out += s.slice(k, e);
            if (s[e + 1] === "'") { out += "'"; k = e + 2; continue; }
            return [out, e + 1];
        }
    }
    let k = start + 1;
    for (;;) {
        const e = s.indexOf('"', k);
        if (e < 0) bail();
        let backslashes = 0;
        for (let b = e - 1; b > start && s[b] === "\\"; b--) backslashes++;
        if (backslashes % 2 === 0) {
            const body = s.slice(start + 1, e);
            if (JSON_ESCAPES.test(body) || /[\u0000-\u001f]/.test(body)) bail();
            return [JSON.parse(`"${body}"`), e + 1];
        }
        k = e + 1;
    }
}

/** Characters that cannot start a plain scalar in a flow collection without changing its meaning. */
const INDICATORS = new Set(["&", "*", "!", "?", "|", ">", "@", "`", "%"]);

/** One-line flow collections: `{a: 1, b: [x, "y"]}`. */
export class Flow {
    private k = 0;
    constructor(private readonly s: string) {}

    done(): boolean {
        this.ws();
        return this.k === this.s.length || this.s[this.k] === "#";
    }

    private ws(): void {
        while (this.k < this.s.length && this.s.charCodeAt(this.k) === 32) this.k++;
    }

    value(): unknown {
        this.ws();
        const ch = this.s[this.k];
        if (ch === "{") return this.map();
        if (ch === "[") return this.seq();
        if (ch === '"' || ch === "'") {
            const [v, end] = quoted(this.s, this.k);
            this.k = end;
            return v;
        }
        return plain(this.plainText());
    }

    /** A plain scalar inside a flow collection ends at `,`, `]`, `}` or `: `. */
    private plainText(): string {
        const s = this.s;
        const start = this.k;
        let k = start;
        for (; k < s.length; k++) {
            const ch = s.charCodeAt(k);
            if (ch === 44 || ch === 93 || ch === 125 || ch === 91 || ch === 123) break; // , ] } [ {
            if (ch === 58) { // `:` ends the scalar before a space, `,`, `]`, `}` or the end
                const next = s.charCodeAt(k + 1);
                if (k + 1 === s.length || next === 32 || next === 44 || next === 93 || next === 125) break;
            }
            if (ch === 35 && k > 0 && s.charCodeAt(k - 1) === 32) bail(); // ` #` starts a comment
        }
        this.k = k;
        const t = s.slice(start, k).trim();
        if (t === "" || INDICATORS.has(t[0])) bail();
        return t;
    }

    private map(): Record<string, unknown> {
        const obj: Record<string, unknown> = {};
        // Duplicate keys (errors for js-yaml) leave fewer keys than entries, counted once at the end.
        let entries = 0;
        const done = () => (Object.keys(obj).length === entries ? obj : bail());
        this.k++;
        for (;;) {
            this.ws();
            if (this.s[this.k] === "}") { this.k++; return done(); }
            const c = this.s[this.k];
            const key = intern(c === '"' || c === "'" ? this.quotedKey() : this.plainText());
            if (typeof plain(key) !== "string" && !(c === '"' || c === "'")) bail();
            if (key === "__proto__") bail();
            entries++;
            this.ws();
            let v: unknown = null;
            if (this.s[this.k] === ":") {
                this.k++;
                this.ws();
                if (this.s[this.k] !== "," && this.s[this.k] !== "}") v = this.value();
            }
            obj[key] = v;
            this.ws();
            if (this.s[this.k] === ",") { this.k++; continue; }
            if (this.s[this.k] === "}") { this.k++; return done(); }
            bail();
        }
    }

    private quotedKey(): string {
        const [v, end] = quoted(this.s, this.k);
        this.k = end;
        return v;
    }

    private seq(): unknown[] {
        const out: unknown[] = [];
        this.k++;
        for (;;) {
            this.ws();
            if (this.s[this.k] === "]") { this.k++; return out; }
            const start = this.k;
            const v = this.value();
            this.ws();
            // `[a: b]` is a single-pair mapping in YAML: leave it to js-yaml.
            if (this.s[this.k] === ":" && this.k > start) bail();
            out.push(v);
            if (this.s[this.k] === ",") { this.k++; continue; }
            if (this.s[this.k] === "]") { this.k++; return out; }
            bail();
        }
    }
}
