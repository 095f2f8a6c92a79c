/**
 * Validates a value against a structural schema as the API server does for custom resources:
 * types, int-or-string, nullable, enums, formats, bounds, patterns, list types, unknown fields,
 * defaults, oneOf/anyOf/allOf/not, and the `x-kubernetes-validations` CEL rules of every node.
 */
import { compileRule, inputKey, re2, RuleResult, runRule, toCel } from "./cel";
import { checkNumberFormat, checkStringFormat, isQuantity } from "./formats";
import { Finding, ResourceRef, SchemaNode, ValidationRule } from "./types";

/** What a walk needs besides the value and its schema. */
export interface WalkContext {
    resource: ResourceRef;
    /** Prefix of schema locations, e.g. `virtualservices.networking.istio.io v1`. */
    source: string;
    findings: Finding[];
    /** Expands a `$model` reference (built-in kinds). */
    resolve: (schema: SchemaNode) => SchemaNode;
    /** Values not known yet (Pulumi preview): skipped, with everything under them. */
    isUnknown: (value: unknown) => boolean;
    /** Whether `isUnknown` can be true at all (a preview); when not, rules skip the unknown scan. */
    previewUnknowns: boolean;
    /** Whether null means absent (built-in kinds) or is a value the schema must allow (custom resources). */
    nullIsAbsent: boolean;
    /** CEL conversions of this object, by raw value; made when the first rule has to run. */
    memo?: WeakMap<object, unknown>;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const patternCache = new Map<string, { test(s: string): boolean }>();

function compilePattern(pattern: string): { test(s: string): boolean } {
    let re = patternCache.get(pattern);
    if (!re) {
        try {
            re = new RegExp(pattern, "u");
        } catch {
            re = re2(pattern);
        }
        patternCache.set(pattern, re);
    }
    return re;
}

/**
 * A field path, built as a chain and rendered only when a finding needs it: most values pass, and
 * formatting a path string for every visited value costs more than the checks themselves.
 */
export type FieldPath = string | { readonly up: FieldPath; readonly key: string | number; readonly prop: boolean };

/** A location in a schema, built and rendered like {@link FieldPath}. */
export type SchemaPath = string | { readonly up: SchemaPath; readonly seg: string; readonly key?: string };

/** Field path of a property (`spec.hosts`), a map entry (`labels[app]`) or a list item (`http[0]`). */
export function childPath(path: FieldPath, key: string | number, isProperty: boolean): FieldPath {
    return { up: path, key, prop: isProperty };
}

/** Renders a field path as `spec.http[0].timeout`. */
export function renderPath(path: FieldPath): string {
    if (typeof path === "string") return path;
    const up = renderPath(path.up);
    const key = path.key;
    if (typeof key === "number" || !path.prop || !IDENT.test(key)) return `${up}[${key}]`;
    return up === "" ? key : `${up}.${key}`;
}

/** A child location; `key` is kept apart so the hot path allocates no string. */
function sub(spath: SchemaPath, seg: string, key?: string): SchemaPath {
    return key === undefined ? { up: spath, seg } : { up: spath, seg, key };
}

function renderSchemaPath(spath: SchemaPath): string {
    return typeof spath === "string" ? spath : renderSchemaPath(spath.up) + spath.seg + (spath.key ?? "");
}

function typeOf(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

function typeMatches(type: SchemaNode["type"], value: unknown): boolean {
    switch (type) {
        case "object":
            return typeof value === "object" && value !== null && !Array.isArray(value);
        case "array":
            return Array.isArray(value);
        case "string":
            return typeof value === "string";
        case "integer":
            return typeof value === "number" && Number.isInteger(value);
        case "number":
            return typeof value === "number" && Number.isFinite(value);
        case "boolean":
            return typeof value === "boolean";
        default:
            return true;
    }
}

function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    return JSON.stringify(a) === JSON.stringify(b);
}

function report(ctx: WalkContext, path: FieldPath, rule: string, spath: SchemaPath, message: string, value?: unknown): void {
    const f: Finding = { resource: ctx.resource, path: renderPath(path), rule, location: `${ctx.source}: ${renderSchemaPath(spath)}`, message };
    if (value !== undefined) f.value = value;
    ctx.findings.push(f);
}

/** Whether `value` satisfies `schema`, with no findings kept (for oneOf/anyOf/allOf/not branches). */
export function satisfies(ctx: WalkContext, value: unknown, schema: SchemaNode): boolean {
    const probe: WalkContext = { ...ctx, findings: [] };
    walk(probe, value, schema, "", "");
    return probe.findings.length === 0;
}

function describeOneOf(branches: SchemaNode[], value: unknown, passed: number): string {
    const fields = branches.flatMap((b) => (b.required && b.required.length === 1 ? b.required : []));
    const present = fields.filter((f) => typeof value === "object" && value !== null && f in value);
    if (passed > 1 && present.length > 1) return `fields ${present.join(", ")} are mutually exclusive: set at most one (oneOf)`;
    return `must validate one and only one schema (oneOf); ${passed} alternatives matched`;
}

function checkCombinators(ctx: WalkContext, value: unknown, schema: SchemaNode, path: FieldPath, spath: SchemaPath): void {
    if (schema.allOf) schema.allOf.forEach((s, i) => walk(ctx, value, s, path, sub(spath, `.allOf[${i}]`)));
    if (schema.anyOf && !schema.anyOf.some((s) => satisfies(ctx, value, s))) {
        report(ctx, path, "anyOf", sub(spath, `.anyOf`), "must validate at least one schema (anyOf)", value);
    }
    if (schema.oneOf) {
        const passed = schema.oneOf.filter((s) => satisfies(ctx, value, s)).length;
        if (passed !== 1) report(ctx, path, "oneOf", sub(spath, `.oneOf`), describeOneOf(schema.oneOf, value, passed), value);
    }
    if (schema.not && satisfies(ctx, value, schema.not)) {
        report(ctx, path, "not", sub(spath, `.not`), "must not validate the schema (not)", value);
    }
}

function checkString(ctx: WalkContext, value: string, s: SchemaNode, path: FieldPath, spath: SchemaPath): void {
    if (s.format) {
        const bad = checkStringFormat(s.format, value);
        if (bad) report(ctx, path, "format", sub(spath, `.format`), `${bad} (format ${s.format})`, value);
    }
    if (s.maxLength !== undefined || s.minLength !== undefined) {
        const length = [...value].length;
        if (s.maxLength !== undefined && length > s.maxLength) {
            report(ctx, path, "maxLength", sub(spath, `.maxLength`), `must have at most ${s.maxLength} characters`, value);
        }
        if (s.minLength !== undefined && length < s.minLength) {
            report(ctx, path, "minLength", sub(spath, `.minLength`), `must have at least ${s.minLength} characters`, value);
        }
    }
    if (s.pattern !== undefined && !compilePattern(s.pattern).test(value)) {
        report(ctx, path, "pattern", sub(spath, `.pattern`), `must match the pattern ${s.pattern}`, value);
    }
}

function checkNumber(ctx: WalkContext, value: number, s: SchemaNode, path: FieldPath, spath: SchemaPath): void {
    const bad = checkNumberFormat(s.format, value);
    if (bad) report(ctx, path, "format", sub(spath, `.format`), `${bad} (format ${s.format})`, value);
    if (s.minimum !== undefined && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum)) {
        report(ctx, path, "minimum", sub(spath, `.minimum`), `must be ${s.exclusiveMinimum ? "greater than" : "greater than or equal to"} ${s.minimum}`, value);
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum)) {
        report(ctx, path, "maximum", sub(spath, `.maximum`), `must be ${s.exclusiveMaximum ? "less than" : "less than or equal to"} ${s.maximum}`, value);
    }
    if (s.multipleOf !== undefined && value % s.multipleOf !== 0) {
        report(ctx, path, "multipleOf", sub(spath, `.multipleOf`), `must be a multiple of ${s.multipleOf}`, value);
    }
}

function checkArray(ctx: WalkContext, value: unknown[], s: SchemaNode, path: FieldPath, spath: SchemaPath): unknown[] {
    if (s.maxItems !== undefined && value.length > s.maxItems) {
        report(ctx, path, "maxItems", sub(spath, `.maxItems`), `must have at most ${s.maxItems} items`, value.length);
    }
    if (s.minItems !== undefined && value.length < s.minItems) {
        report(ctx, path, "minItems", sub(spath, `.minItems`), `must have at least ${s.minItems} items`, value.length);
    }
    const listType = s["x-kubernetes-list-type"];
    if (listType === "set" || s.uniqueItems) {
        const seen = new Set<string>();
        value.forEach((item, i) => {
            const key = JSON.stringify(item);
            if (seen.has(key))
                report(
                    ctx,
                    childPath(path, i, false),
                    "x-kubernetes-list-type",
                    sub(spath, `.x-kubernetes-list-type`),
                    "duplicate value in a list of type set",
                    item,
                );
            seen.add(key);
        });
    } else if (listType === "map" && s["x-kubernetes-list-map-keys"]) {
        const keys = s["x-kubernetes-list-map-keys"];
        const seen = new Set<string>();
        value.forEach((item, i) => {
            if (typeof item !== "object" || item === null) return;
            const key = JSON.stringify(keys.map((k) => (item as Record<string, unknown>)[k] ?? null));
            if (seen.has(key)) {
                report(
                    ctx,
                    childPath(path, i, false),
                    "x-kubernetes-list-type",
                    sub(spath, `.x-kubernetes-list-map-keys`),
                    `duplicate entry for key (${keys.join(", ")}) = ${key}`,
                    item,
                );
            }
            seen.add(key);
        });
    }
    if (!s.items) return value;
    const items = s.items;
    // The items as defaulted: a rule on the list sees them as the API server does (defaults first).
    let out = value;
    value.forEach((item, i) => {
        const e = walk(ctx, item, items, childPath(path, i, false), sub(spath, `.items`));
        if (e !== item) {
            if (out === value) out = [...value];
            out[i] = e;
        }
    });
    return out;
}

function checkObject(ctx: WalkContext, value: Record<string, unknown>, plan: Plan, path: FieldPath, spath: SchemaPath): Record<string, unknown> {
    const props = plan.props;
    let obj = value;
    for (const [k, d] of plan.defaults) {
        // A default fills an absent field, and replaces a null one (nulls are pruned before defaulting).
        if (obj[k] === undefined || (obj[k] === null && !props?.[k]?.nullable)) obj = { ...obj, [k]: d };
    }
    for (const r of plan.required) {
        if (obj[r] === undefined || (obj[r] === null && ctx.nullIsAbsent)) {
            report(ctx, childPath(path, r, true), "required", sub(spath, `.required`), `required field ${r} is missing`);
        }
    }
    const additional = plan.additional;
    let count = 0;
    for (const k in obj) {
        const v = obj[k];
        count++;
        const p = props?.[k];
        if (p) {
            const e = walk(ctx, v, p, childPath(path, k, true), sub(spath, ".properties.", k));
            if (e !== v) obj = obj === value ? { ...obj, [k]: e } : ((obj[k] = e), obj);
        } else if (additional) {
            const e = walk(ctx, v, additional, childPath(path, k, false), sub(spath, `.additionalProperties`));
            if (e !== v) obj = obj === value ? { ...obj, [k]: e } : ((obj[k] = e), obj);
        } else if (plan.closed && !(plan.embedded && (k === "apiVersion" || k === "kind" || k === "metadata"))) {
            const known = props ? Object.keys(props) : [];
            const hint = known.length > 0 ? `; known fields: ${known.join(", ")}` : "; this object takes no fields";
            report(ctx, childPath(path, k, true), "unknown-field", sub(spath, `.properties`), `unknown field ${JSON.stringify(k)}${hint}`, v);
        }
    }
    const s = plan.s;
    if (s.maxProperties !== undefined && count > s.maxProperties) {
        report(ctx, path, "maxProperties", sub(spath, `.maxProperties`), `must have at most ${s.maxProperties} entries`, count);
    }
    if (s.minProperties !== undefined && count < s.minProperties) {
        report(ctx, path, "minProperties", sub(spath, `.minProperties`), `must have at least ${s.minProperties} entries`, count);
    }
    return obj;
}

function celMessage(rule: ValidationRule, self: unknown): string {
    if (rule.messageExpression) {
        const compiled = compileRule(rule.messageExpression);
        if (compiled.status === "compiled") {
            try {
                const out = compiled.run(self);
                if (typeof out === "string" && out !== "") return out;
            } catch {
                // Fall back to the static message, as the API server does.
            }
        }
    }
    return rule.message ?? `failed rule: ${rule.rule}`;
}

/** Whether a value holds an unknown anywhere inside it. */
function holdsUnknown(value: unknown, isUnknown: (v: unknown) => boolean): boolean {
    if (isUnknown(value)) return true;
    if (typeof value !== "object" || value === null) return false;
    for (const k in value) if (holdsUnknown((value as Record<string, unknown>)[k], isUnknown)) return true;
    return false;
}

/** Remembered outcomes per schema node and rule, by {@link inputKey}; bounded so memory stays flat. */
let outcomeCache = new WeakMap<SchemaNode, Map<string, RuleResult>[]>();
const MAX_OUTCOMES = 10_000;

/** Forgets every remembered rule outcome (the checker's start-up snapshot keeps none from its warm-up). */
export function forgetRuleOutcomes(): void {
    outcomeCache = new WeakMap();
}

function outcomesOf(s: SchemaNode, count: number): Map<string, RuleResult>[] {
    let maps = outcomeCache.get(s);
    if (!maps || maps.length !== count) {
        maps = Array.from({ length: count }, () => new Map<string, RuleResult>());
        outcomeCache.set(s, maps);
    }
    return maps;
}

/** Runs the CEL rules of one schema node on a value, reporting each rule that does not hold. */
export function checkRules(ctx: WalkContext, value: unknown, s: SchemaNode, rules: ValidationRule[], path: FieldPath, spath: SchemaPath): void {
    // A rule over a value with an unknown inside would judge the placeholder, not the value: skip it.
    if (ctx.previewUnknowns && holdsUnknown(value, ctx.isUnknown)) return;
    let self: unknown;
    const outcomes = outcomesOf(s, rules.length);
    rules.forEach((rule, i) => {
        const compiled = compileRule(rule.rule);
        if (compiled.status === "skipped") return;
        // Outcomes are reused for values that look the same to the rule (most values repeat across objects).
        const key = compiled.status === "compiled" ? inputKey(compiled.reads, value) : undefined;
        let result = key === undefined ? undefined : outcomes[i].get(key);
        if (!result) {
            self ??= toCel(value, s, (ctx.memo ??= new WeakMap()));
            result = runRule(compiled, self);
            if (key !== undefined && outcomes[i].size < MAX_OUTCOMES) outcomes[i].set(key, result);
        }
        if (result.ok) return;
        self ??= toCel(value, s, (ctx.memo ??= new WeakMap()));
        const at = rule.fieldPath ? `${renderPath(path)}${rule.fieldPath}` : path;
        const message = result.error ? `${celMessage(rule, self)} (evaluation error: ${result.error})` : celMessage(rule, self);
        report(ctx, at, "cel", sub(spath, `.x-kubernetes-validations[${i}]: ${rule.rule}`), message, value);
    });
}

/**
 * What {@link walk} needs of a schema node, read once: schema nodes parsed from CRDs come in many
 * shapes, and reading a dozen optional keywords from each at every visited value costs more than the
 * checks themselves. Plans have one shape, so these reads are cheap.
 */
interface Plan {
    readonly s: SchemaNode;
    /** `$model` of a built-in kind's node, resolved per walk. */
    readonly model: boolean;
    /** The type a null value is reported against, or undefined when null passes. */
    readonly nullType: string | undefined;
    readonly nullable: boolean;
    readonly quantity: boolean;
    readonly intOrString: boolean;
    readonly type: SchemaNode["type"];
    readonly enum: unknown[] | undefined;
    readonly stringChecks: boolean;
    readonly numberChecks: boolean;
    readonly props: Record<string, SchemaNode> | undefined;
    readonly additional: SchemaNode | undefined;
    /** An object that rejects fields its schema does not name. */
    readonly closed: boolean;
    readonly embedded: boolean;
    readonly defaults: readonly [string, unknown][];
    readonly required: readonly string[];
    readonly combinators: boolean;
    readonly rules: ValidationRule[] | undefined;
}

const plans = new WeakMap<SchemaNode, Plan>();

function planOf(s: SchemaNode): Plan {
    let plan = plans.get(s);
    if (!plan) {
        const additional = s.additionalProperties;
        const rules = s["x-kubernetes-validations"];
        plan = {
            s,
            model: !!s.$model,
            nullType: s.type || s["x-kubernetes-int-or-string"] ? (s.type ?? "integer or string") : undefined,
            nullable: !!s.nullable,
            quantity: !!s.$quantity,
            intOrString: !!s["x-kubernetes-int-or-string"],
            type: s.type,
            enum: s.enum,
            stringChecks: !!s.format || s.maxLength !== undefined || s.minLength !== undefined || s.pattern !== undefined,
            numberChecks: s.format === "int32" || s.format === "int64" || s.minimum !== undefined || s.maximum !== undefined || s.multipleOf !== undefined,
            props: s.properties,
            additional: typeof additional === "object" ? additional : undefined,
            closed: s.type === "object" && s["x-kubernetes-preserve-unknown-fields"] !== true && additional !== true,
            embedded: s["x-kubernetes-embedded-resource"] === true,
            defaults: Object.entries(s.properties ?? {})
                .filter(([, p]) => p.default !== undefined)
                .map(([k, p]) => [k, p.default]),
            required: s.required ?? [],
            combinators: !!(s.allOf || s.anyOf || s.oneOf || s.not),
            rules: rules && rules.length > 0 ? rules : undefined,
        };
        plans.set(s, plan);
    }
    return plan;
}

/** Validates `value` against `schema`, appending findings to the context. */
export function walk(ctx: WalkContext, value: unknown, schema: SchemaNode, path: FieldPath, spath: SchemaPath): unknown {
    let plan = planOf(schema);
    if (plan.model) plan = planOf(ctx.resolve(schema));
    if (ctx.isUnknown(value)) return value;
    if (value === undefined) return value;
    const s = plan.s;
    if (value === null) {
        // Custom resources: null is a value, valid only where the schema is nullable. Built-in kinds
        // decode into Go structs, where null is the same as absent.
        if (!plan.nullable && !ctx.nullIsAbsent && plan.nullType !== undefined) {
            report(ctx, path, "type", sub(spath, ".type"), `must be of type ${plan.nullType}, not null`, null);
        }
        return value;
    }
    if (plan.quantity) {
        if (!isQuantity(value)) report(ctx, path, "quantity", spath, "must be a quantity, e.g. 500m, 128Mi, 2", value);
        return value;
    }
    if (plan.intOrString) {
        if (typeof value !== "string" && !(typeof value === "number" && Number.isInteger(value))) {
            report(
                ctx,
                path,
                "x-kubernetes-int-or-string",
                sub(spath, `.x-kubernetes-int-or-string`),
                `must be an integer or a string, not ${typeOf(value)}`,
                value,
            );
            return value;
        }
    } else if (plan.type && !typeMatches(plan.type, value)) {
        report(ctx, path, "type", sub(spath, `.type`), `must be of type ${plan.type}, not ${typeOf(value)}`, value);
        return value;
    }
    if (plan.enum && !plan.enum.some((e) => deepEqual(e, value))) {
        report(ctx, path, "enum", sub(spath, `.enum`), `must be one of ${plan.enum.map((e) => JSON.stringify(e)).join(", ")}`, value);
    }
    let effective = value;
    if (typeof value === "string") {
        if (plan.stringChecks) checkString(ctx, value, s, path, spath);
    } else if (typeof value === "number") {
        if (plan.numberChecks) checkNumber(ctx, value, s, path, spath);
    } else if (Array.isArray(value)) {
        effective = checkArray(ctx, value, s, path, spath);
    } else if (typeof value === "object") {
        effective = checkObject(ctx, value as Record<string, unknown>, plan, path, spath);
    }
    if (plan.combinators) checkCombinators(ctx, effective, s, path, spath);
    if (plan.rules) checkRules(ctx, effective, s, plan.rules, path, spath);
    return effective;
}
