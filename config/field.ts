/**
 * A small reader for untyped stack configuration. Every read either returns a typed value or records a
 * problem under the value's full key path, so one pass reports every mistake in a stack file at once
 * instead of stopping at the first.
 */

/** One thing wrong with the stack configuration: the key path (`istio-mesh:controlPlane.replicas`) and the fix. */
export interface Problem {
    key: string;
    message: string;
}

/** Thrown when the configuration is invalid; the message lists every problem, one per line. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly Problem[]) {
        super(`invalid stack configuration:\n${formatProblems(problems)}`);
        this.name = "ConfigError";
    }
}

export function formatProblems(problems: readonly Problem[]): string {
    return problems.map((p) => `${p.key}: ${p.message}`).join("\n");
}

/** How a value is shown inside a message: JSON, so strings keep their quotes and `"2"` differs from `2`. */
export function show(value: unknown): string {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export type Fields<K extends string> = { readonly [P in K]: Field };

export interface StringRules {
    oneOf?: readonly string[];
    pattern?: RegExp;
    /** Says what the pattern means, e.g. "a DNS-1123 label (lowercase letters, digits and '-')". */
    patternHint?: string;
}

export interface NumberRules {
    min?: number;
    max?: number;
}

/** A config value at a key path, with the sink its problems go to. */
export class Field {
    constructor(
        readonly path: string,
        readonly value: unknown,
        private readonly sink: Problem[],
    ) {}

    /** Starts a walk at a top-level stack config key such as `istio-mesh:istio`. */
    static root(path: string, value: unknown, sink: Problem[]): Field {
        return new Field(path, value, sink);
    }

    get isSet(): boolean {
        return this.value !== undefined && this.value !== null;
    }

    /** Records a problem at this key; returns undefined so callers can `return f.problem(...)`. */
    problem(message: string): undefined {
        this.sink.push({ key: this.path, message });
        return undefined;
    }

    child(key: string | number): Field {
        const path = typeof key === "number" ? `${this.path}[${key}]` : `${this.path}.${key}`;
        const value = this.isObject() ? (this.value as Record<string, unknown>)[key as string] : undefined;
        return new Field(path, value, this.sink);
    }

    /** The problems recorded so far through this field's sink (for cross-checks that need to know). */
    get problemCount(): number {
        return this.sink.length;
    }

    isObject(): boolean {
        return typeof this.value === "object" && this.value !== null && !Array.isArray(this.value);
    }

    /**
     * Reads an object whose keys must all be in `known`. An unknown key is a problem of its own, with the
     * closest known key suggested: a typo must never be silently ignored.
     */
    object<K extends string>(known: readonly K[]): Fields<K> | undefined {
        if (!this.isSet) {
            return this.fields(known, {});
        }
        if (!this.isObject()) {
            return this.problem(`must be an object with keys ${known.join(", ")} (got ${show(this.value)})`);
        }
        const value = this.value as Record<string, unknown>;
        for (const key of Object.keys(value)) {
            if (!(known as readonly string[]).includes(key)) {
                this.child(key).problem(unknownKeyMessage(key, known));
            }
        }
        return this.fields(known, value);
    }

    private fields<K extends string>(known: readonly K[], value: Record<string, unknown>): Fields<K> {
        const out = {} as Record<K, Field>;
        for (const key of known) {
            out[key] = new Field(`${this.path}.${key}`, value[key], this.sink);
        }
        return out;
    }

    string(fallback: string, rules?: StringRules): string;
    string(fallback?: undefined, rules?: StringRules): string | undefined;
    string(fallback?: string, rules: StringRules = {}): string | undefined {
        if (!this.isSet) {
            return fallback;
        }
        if (typeof this.value !== "string") {
            return this.problem(`must be a string (got ${show(this.value)})`) ?? fallback;
        }
        if (rules.oneOf && !rules.oneOf.includes(this.value)) {
            return this.problem(`must be one of ${rules.oneOf.join(", ")} (got ${show(this.value)})`) ?? fallback;
        }
        if (rules.pattern && !rules.pattern.test(this.value)) {
            const hint = rules.patternHint ?? `a string matching ${rules.pattern}`;
            return this.problem(`must be ${hint} (got ${show(this.value)})`) ?? fallback;
        }
        return this.value;
    }

    integer(fallback: number, rules?: NumberRules): number;
    integer(fallback?: undefined, rules?: NumberRules): number | undefined;
    integer(fallback?: number, rules: NumberRules = {}): number | undefined {
        return this.numeric(fallback, rules, true);
    }

    number(fallback: number, rules?: NumberRules): number;
    number(fallback?: undefined, rules?: NumberRules): number | undefined;
    number(fallback?: number, rules: NumberRules = {}): number | undefined {
        return this.numeric(fallback, rules, false);
    }

    private numeric(fallback: number | undefined, rules: NumberRules, integral: boolean): number | undefined {
        if (!this.isSet) {
            return fallback;
        }
        // Top-level stack config scalars arrive as strings ("3"); accept them when they are plain numbers.
        const parsed = typeof this.value === "string" && /^-?\d+(\.\d+)?$/.test(this.value) ? Number(this.value) : this.value;
        const ok =
            typeof parsed === "number" &&
            Number.isFinite(parsed) &&
            (!integral || Number.isInteger(parsed)) &&
            (rules.min === undefined || parsed >= rules.min) &&
            (rules.max === undefined || parsed <= rules.max);
        if (!ok) {
            return this.problem(`must be ${describeNumber(integral, rules)} (got ${show(this.value)})`) ?? fallback;
        }
        return parsed as number;
    }

    boolean(fallback: boolean): boolean;
    boolean(fallback?: undefined): boolean | undefined;
    boolean(fallback?: boolean): boolean | undefined {
        if (!this.isSet) {
            return fallback;
        }
        if (this.value === "true" || this.value === "false") {
            return this.value === "true";
        }
        if (typeof this.value !== "boolean") {
            return this.problem(`must be true or false (got ${show(this.value)})`) ?? fallback;
        }
        return this.value;
    }

    /** Reads a list, each item through `each`; items that fail are dropped (their problems are recorded). */
    list<T>(each: (item: Field, index: number) => T | undefined, opts: { minItems?: number } = {}): T[] | undefined {
        if (!this.isSet) {
            return undefined;
        }
        if (!Array.isArray(this.value)) {
            return this.problem(`must be a list (got ${show(this.value)})`);
        }
        if (opts.minItems !== undefined && this.value.length < opts.minItems) {
            return this.problem(`must have at least ${opts.minItems} item${opts.minItems === 1 ? "" : "s"}`);
        }
        const out: T[] = [];
        this.value.forEach((v, i) => {
            const item = each(new Field(`${this.path}[${i}]`, v, this.sink), i);
            if (item !== undefined) {
                out.push(item);
            }
        });
        return out;
    }

    /** Reads a map keyed by names the caller checks (e.g. namespace names), each value through `each`. */
    map<T>(each: (item: Field, key: string) => T | undefined): Record<string, T> | undefined {
        if (!this.isSet) {
            return undefined;
        }
        if (!this.isObject()) {
            return this.problem(`must be a map of name to settings (got ${show(this.value)})`);
        }
        const out: Record<string, T> = {};
        for (const [key, v] of Object.entries(this.value as Record<string, unknown>)) {
            const item = each(new Field(`${this.path}.${key}`, v, this.sink), key);
            if (item !== undefined) {
                out[key] = item;
            }
        }
        return out;
    }

    /** A free-form object (Helm value overrides, resource requirements) passed through as given. */
    record(): Record<string, unknown> | undefined {
        if (!this.isSet) {
            return undefined;
        }
        if (!this.isObject()) {
            return this.problem(`must be an object (got ${show(this.value)})`);
        }
        return this.value as Record<string, unknown>;
    }
}

function describeNumber(integral: boolean, { min, max }: NumberRules): string {
    const kind = integral ? "an integer" : "a number";
    if (min !== undefined && max !== undefined) {
        return `${kind} from ${min} to ${max}`;
    }
    if (min !== undefined) {
        return `${kind} >= ${min}`;
    }
    if (max !== undefined) {
        return `${kind} <= ${max}`;
    }
    return kind;
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
    const near = closest(key, known);
    const hint = near ? `did you mean "${near}"? ` : "";
    return `unknown key; ${hint}known keys: ${known.join(", ")}`;
}

/** The known key within edit distance 2 (or a case-insensitive match), for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = 3;
    for (const candidate of candidates) {
        const d = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate);
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

/** @deprecated use domain/names and domain/quantity: the one reading of names and quantities. */
export { DNS_LABEL, DNS_LABEL_HINT } from "../domain/names";
/** @deprecated use domain/quantity. */
export { QUANTITY } from "../domain/quantity";
