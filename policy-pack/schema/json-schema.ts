/**
 * The JSON Schema subset Helm charts use in `values.schema.json` (Istio's gateway chart):
 * `$ref` to `#/...`, `type` (one or a list), `enum`, `properties`, `additionalProperties`,
 * `required`, `items`, bounds, `pattern`, and `allOf`/`anyOf`/`oneOf`/`not`.
 */

/** A JSON Schema document or subschema. */
export interface JsonSchema {
    $ref?: string;
    type?: string | string[];
    enum?: unknown[];
    properties?: Record<string, JsonSchema>;
    additionalProperties?: boolean | JsonSchema;
    required?: string[];
    items?: JsonSchema;
    minimum?: number;
    maximum?: number;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    allOf?: JsonSchema[];
    anyOf?: JsonSchema[];
    oneOf?: JsonSchema[];
    not?: JsonSchema;
    [key: string]: unknown;
}

function jsonType(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "array";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v;
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
    if (!ref.startsWith("#/")) throw new Error(`unsupported $ref ${ref}: only local references are supported`);
    let node: unknown = root;
    for (const part of ref.slice(2).split("/")) node = (node as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    if (typeof node !== "object" || node === null) throw new Error(`$ref ${ref} does not resolve`);
    return node as JsonSchema;
}

function join(path: string, key: string | number): string {
    return typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
}

/** Validates `value` against `schema`; returns `path: reason` for each violation. */
export function validateJsonSchema(schema: JsonSchema, value: unknown, root: JsonSchema = schema, path = ""): string[] {
    const errors: string[] = [];
    const at = (reason: string) => errors.push(`${path || "(root)"}: ${reason}`);
    if (schema.$ref) errors.push(...validateJsonSchema(resolveRef(root, schema.$ref), value, root, path));
    if (schema.type !== undefined) {
        const types = Array.isArray(schema.type) ? schema.type : [schema.type];
        const t = jsonType(value);
        if (!types.some((x) => x === t || (x === "number" && t === "integer"))) {
            at(`must be of type ${types.join(" or ")}, not ${t}`);
            return errors;
        }
    }
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        at(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")} (value: ${JSON.stringify(value)})`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) at(`must be >= ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum) at(`must be <= ${schema.maximum}`);
    }
    if (typeof value === "string") {
        if (schema.minLength !== undefined && value.length < schema.minLength) at(`must have at least ${schema.minLength} characters`);
        if (schema.maxLength !== undefined && value.length > schema.maxLength) at(`must have at most ${schema.maxLength} characters`);
        if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) at(`must match ${schema.pattern}`);
    }
    if (Array.isArray(value) && schema.items) {
        const items = schema.items;
        value.forEach((v, i) => errors.push(...validateJsonSchema(items, v, root, join(path, i))));
    }
    if (jsonType(value) === "object") {
        const obj = value as Record<string, unknown>;
        for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${join(path, r)}: is required`);
        for (const [k, v] of Object.entries(obj)) {
            const p = schema.properties?.[k];
            if (p) errors.push(...validateJsonSchema(p, v, root, join(path, k)));
            else if (schema.additionalProperties === false) errors.push(`${join(path, k)}: additional property not allowed by the chart's values.schema.json`);
            else if (typeof schema.additionalProperties === "object") errors.push(...validateJsonSchema(schema.additionalProperties, v, root, join(path, k)));
        }
    }
    for (const s of schema.allOf ?? []) errors.push(...validateJsonSchema(s, value, root, path));
    if (schema.anyOf && !schema.anyOf.some((s) => validateJsonSchema(s, value, root, path).length === 0)) at("must match at least one schema (anyOf)");
    if (schema.oneOf && schema.oneOf.filter((s) => validateJsonSchema(s, value, root, path).length === 0).length !== 1) {
        at("must match exactly one schema (oneOf)");
    }
    if (schema.not && validateJsonSchema(schema.not, value, root, path).length === 0) at("must not match the schema (not)");
    return errors;
}
