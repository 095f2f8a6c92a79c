/**
 * Compiles and runs the `x-kubernetes-validations` CEL rules of CRDs with `@bufbuild/cel`, plus the
 * Kubernetes library functions the rules use. Each distinct rule text is compiled once.
 */
import type { CelEnv } from "@bufbuild/cel";
import type { RE2JS } from "@bufbuild/re2";
import { urlLibrary } from "./k8s-cel-lib";
import { SchemaNode } from "./types";

type Cel = typeof import("@bufbuild/cel");
let celModule: Cel | undefined;

/**
 * `@bufbuild/cel`, loaded with the first rule: loading it (and the protobuf runtime under it) costs
 * over a tenth of a second, which a run over kinds without rules need not pay.
 */
export function celLib(): Cel {
    celModule ??= require("@bufbuild/cel") as Cel;
    return celModule;
}

/**
 * What of `self` a rule reads: `fields` when it only selects named fields of it (`self.a`,
 * `has(self.b)`), each with whether it only tests presence; `whole` when it uses `self` otherwise.
 */
export type SelfUse = "whole" | { fields: [name: string, presenceOnly: boolean][] };

/** A compiled rule, a rule skipped on purpose, or one that does not compile. */
export type CompiledRule =
    { status: "compiled"; run: (self: unknown) => unknown; reads: SelfUse } | { status: "skipped"; reason: string } | { status: "error"; error: string };

/** The outcome of one rule on one value. */
export type RuleResult = { ok: true } | { ok: false; error?: string };

const regexCache = new Map<string, RE2JS>();

/** RE2 (as Kubernetes uses), compiled once per pattern. */
export function re2(pattern: string): RE2JS {
    let re = regexCache.get(pattern);
    if (!re) {
        re = (require("@bufbuild/re2") as typeof import("@bufbuild/re2")).RE2JS.compile(pattern);
        regexCache.set(pattern, re);
    }
    return re;
}

let sharedEnv: CelEnv | undefined;

/** The CEL environment of CRD validation rules: standard CEL, strings extensions, Kubernetes URLs. */
export function kubernetesCelEnv(): CelEnv {
    if (!sharedEnv) {
        const { strings } = require("@bufbuild/cel/ext") as typeof import("@bufbuild/cel/ext");
        sharedEnv = celLib().celEnv({ funcs: [...strings, ...urlLibrary()], re2: { compile: (p) => re2(p) } });
    }
    return sharedEnv;
}

const ruleCache = new Map<string, CompiledRule>();

/**
 * Compiles a rule once. Transition rules (those reading `oldSelf`) are skipped: they compare an
 * update with the stored object, and a manifest or a preview has no stored object.
 */
export function compileRule(rule: string): CompiledRule {
    const cached = ruleCache.get(rule);
    if (cached) return cached;
    let compiled: CompiledRule;
    if (/\boldSelf\b/.test(rule)) {
        compiled = { status: "skipped", reason: "transition rule (reads oldSelf); needs the stored object" };
    } else {
        try {
            const parsed = celLib().parse(rule);
            const env = kubernetesCelEnv();
            const unbound = [...calledFunctions(parsed.expr)].filter((f) => !/^[_@!]/.test(f) && !env.funcs.find(f));
            if (unbound.length > 0) throw new Error(`undeclared reference to function ${unbound.join(", ")}`);
            const program = celLib().plan(env, parsed);
            compiled = { status: "compiled", run: (self) => program({ self: self as never }), reads: selfUse(parsed.expr) };
        } catch (e) {
            compiled = { status: "error", error: (e as Error).message };
        }
    }
    ruleCache.set(rule, compiled);
    return compiled;
}

/**
 * The names of the functions an expression calls. The planner binds functions only when they run,
 * so a rule calling a function this environment lacks would otherwise "compile" and fail later.
 */
export function calledFunctions(expr: unknown, out = new Set<string>()): Set<string> {
    if (typeof expr !== "object" || expr === null) return out;
    const kind = (expr as { exprKind?: { case?: string; value?: { function?: string } } }).exprKind;
    if (kind?.case === "callExpr" && kind.value?.function) out.add(kind.value.function);
    for (const v of Object.values(expr)) {
        if (Array.isArray(v)) v.forEach((x) => calledFunctions(x, out));
        else if (typeof v === "object" && v !== null && !(v instanceof Uint8Array)) calledFunctions(v, out);
    }
    return out;
}

interface ExprNode {
    exprKind?: {
        case?: string;
        value?: { name?: string; operand?: ExprNode; field?: string; testOnly?: boolean; iterVar?: string; iterVar2?: string; accuVar?: string };
    };
}

/**
 * How an expression reads `self` (see {@link SelfUse}). A comprehension that names a variable
 * `self` would hide it, so such rules count as reading the whole value.
 */
export function selfUse(expr: unknown): SelfUse {
    const fields = new Map<string, boolean>();
    let whole = false;
    const visit = (node: unknown): void => {
        if (whole || typeof node !== "object" || node === null || node instanceof Uint8Array) return;
        if (Array.isArray(node)) {
            for (const x of node) visit(x);
            return;
        }
        const kind = (node as ExprNode).exprKind;
        const v = kind?.value;
        if (kind?.case === "identExpr" && v?.name === "self") whole = true;
        if (kind?.case === "comprehensionExpr" && (v?.iterVar === "self" || v?.iterVar2 === "self" || v?.accuVar === "self")) whole = true;
        if (kind?.case === "selectExpr" && v?.operand?.exprKind?.case === "identExpr" && v.operand.exprKind.value?.name === "self") {
            const field = v.field ?? "";
            fields.set(field, (fields.get(field) ?? true) && v.testOnly === true);
            return;
        }
        for (const child of Object.values(node)) visit(child);
    };
    visit(expr);
    return whole ? "whole" : { fields: [...fields] };
}

/**
 * A key that two values share only if they are the same JSON data, or undefined for values
 * outside JSON (undefined, -0, NaN, infinities, class instances), which are not worth the risk.
 */
export function dataKey(value: unknown): string | undefined {
    switch (typeof value) {
        case "string":
            return JSON.stringify(value);
        case "boolean":
            return value ? "true" : "false";
        case "number":
            return Number.isFinite(value) && !Object.is(value, -0) ? String(value) : undefined;
        case "object": {
            if (value === null) return "null";
            let out: string;
            if (Array.isArray(value)) {
                out = "[";
                for (let i = 0; i < value.length; i++) {
                    const k = dataKey(value[i]);
                    if (k === undefined) return undefined;
                    out += i === 0 ? k : `,${k}`;
                }
                return `${out}]`;
            }
            const proto = Object.getPrototypeOf(value);
            if (proto !== Object.prototype && proto !== null) return undefined;
            out = "{";
            let first = true;
            for (const key in value) {
                const k = dataKey((value as Record<string, unknown>)[key]);
                if (k === undefined) return undefined;
                out += `${first ? "" : ","}${JSON.stringify(key)}:${k}`;
                first = false;
            }
            return `${out}}`;
        }
        default:
            return undefined;
    }
}

/**
 * The part of `value` a rule's outcome depends on, as a key: equal keys give equal outcomes, so an
 * outcome can be reused. A rule that selects fields of `self` depends only on those fields (and on
 * their presence alone when it only tests it with `has()`); other rules depend on the whole value.
 */
export function inputKey(reads: SelfUse, value: unknown): string | undefined {
    if (reads === "whole" || typeof value !== "object" || value === null || Array.isArray(value)) {
        const k = dataKey(value);
        return k === undefined ? undefined : `=${k}`;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    const obj = value as Record<string, unknown>;
    let out = "{";
    for (const [field, presenceOnly] of reads.fields) {
        const v = Object.prototype.hasOwnProperty.call(obj, field) ? obj[field] : undefined;
        if (v === undefined) {
            if (field in obj) return undefined;
            out += "\u0000-";
        } else if (presenceOnly) {
            // `has()` is false for a null field in @bufbuild/cel: keep nulls (and, to be safe, types) apart.
            out += `\u0000+${v === null ? "null" : Array.isArray(v) ? "array" : typeof v}`;
        } else {
            const k = dataKey(v);
            if (k === undefined) return undefined;
            out += `\u0000${k}`;
        }
    }
    return out;
}

/** Runs a compiled rule on `self`: passes only on `true`; an evaluation error fails with its message. */
export function runRule(compiled: CompiledRule, self: unknown): RuleResult {
    if (compiled.status === "skipped") return { ok: true };
    if (compiled.status === "error") return { ok: false, error: `rule does not compile: ${compiled.error}` };
    let result: unknown;
    try {
        result = compiled.run(self);
    } catch (e) {
        return { ok: false, error: (e as Error).message };
    }
    if (celLib().isCelError(result)) return { ok: false, error: result.message };
    return result === true ? { ok: true } : { ok: false };
}

/**
 * Converts a JSON value into the CEL value the API server would bind as `self`: integers of
 * integer-typed fields become CEL ints (bigint), numbers stay doubles, and values of schemaless
 * subtrees (int-or-string, preserve-unknown-fields) become ints when they are whole numbers.
 */
export function toCel(value: unknown, schema: SchemaNode | undefined, memo?: WeakMap<object, unknown>): unknown {
    if (typeof value === "number") {
        if (schema?.type === "number") return value;
        return Number.isInteger(value) ? BigInt(value) : value;
    }
    if (value === null || typeof value !== "object") return value;
    const hit = memo?.get(value);
    if (hit !== undefined) return hit;
    let out: unknown;
    if (Array.isArray(value)) {
        out = value.map((v) => toCel(v, schema?.items, memo));
    } else {
        const obj: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            const sub = schema?.properties?.[k] ?? (typeof schema?.additionalProperties === "object" ? schema.additionalProperties : undefined);
            obj[k] = toCel(v, sub, memo);
        }
        out = obj;
    }
    memo?.set(value, out);
    return out;
}

/**
 * Loads the CEL library and compiles every rule (and message expression) of `schemas` ahead of use:
 * called while the checker's start-up snapshot is built, so runs start with them compiled.
 */
export function precompileRules(schemas: SchemaNode[]): void {
    kubernetesCelEnv();
    for (const schema of schemas) for (const r of rulesOf(schema)) compileRule(r.rule);
}

/** The number of distinct rule texts compiled so far (for tests and benchmarks). */
export function compiledRuleCount(): number {
    return ruleCache.size;
}

/** A rule with where it sits in its schema. */
export interface LocatedRule {
    rule: string;
    location: string;
}

/** Every `x-kubernetes-validations` rule (and messageExpression) in a schema, depth first. */
export function rulesOf(schema: SchemaNode, location = "openAPIV3Schema"): LocatedRule[] {
    const out: LocatedRule[] = [];
    const visit = (s: SchemaNode, at: string) => {
        (s["x-kubernetes-validations"] ?? []).forEach((r, i) => {
            out.push({ rule: r.rule, location: `${at}.x-kubernetes-validations[${i}]` });
            if (r.messageExpression) out.push({ rule: r.messageExpression, location: `${at}.x-kubernetes-validations[${i}].messageExpression` });
        });
        for (const [k, p] of Object.entries(s.properties ?? {})) visit(p, `${at}.properties.${k}`);
        if (typeof s.additionalProperties === "object") visit(s.additionalProperties, `${at}.additionalProperties`);
        if (s.items) visit(s.items, `${at}.items`);
        for (const key of ["allOf", "anyOf", "oneOf"] as const) s[key]?.forEach((b, i) => visit(b, `${at}.${key}[${i}]`));
        if (s.not) visit(s.not, `${at}.not`);
    };
    visit(schema, location);
    return out;
}
