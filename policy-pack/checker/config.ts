/**
 * The checker's `--config`: the same JSON as `pulumi preview --policy-pack-config`. Keys are policy names or
 * `all`; a value is an enforcement level or an object with `enforcementLevel` and the policy's options.
 * Stricter than the CLI on one point: an option the policy does not declare is an error, not ignored.
 */
import type { EnforcementLevel, Policies, PolicyConfigSchema } from "@pulumi/policy";
import { schemaDefaults } from "../lib/policy";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Per-policy effective level and options. */
export interface ResolvedConfig {
    level(policy: string, own: EnforcementLevel | undefined): EnforcementLevel;
    options(policy: string): Record<string, unknown>;
}

/** Invalid configuration; the CLI exits with 2. */
export class ConfigError extends Error {}

function isLevel(v: unknown): v is EnforcementLevel {
    return typeof v === "string" && (LEVELS as readonly string[]).includes(v);
}

function typeOk(schema: any, v: unknown): boolean {
    const types: string[] = schema?.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (
        types.length > 0 &&
        !types.some((t) =>
            t === "array"
                ? Array.isArray(v)
                : t === "integer"
                  ? Number.isInteger(v)
                  : t === "null"
                    ? v === null
                    : t === "object"
                      ? typeof v === "object" && v !== null && !Array.isArray(v)
                      : typeof v === t,
        )
    )
        return false;
    if (Array.isArray(schema?.enum) && !schema.enum.includes(v)) return false;
    if (typeof v === "number") {
        if (typeof schema?.minimum === "number" && v < schema.minimum) return false;
        if (typeof schema?.maximum === "number" && v > schema.maximum) return false;
    }
    if (Array.isArray(v) && schema?.items && typeof schema.items === "object" && !Array.isArray(schema.items)) {
        return v.every((x) => typeOk(schema.items, x));
    }
    return true;
}

/** Validates the JSON against the pack's policies and their config schemas. */
export function resolveConfig(json: unknown, policies: Policies): ResolvedConfig {
    if (json === undefined) json = {};
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
        throw new ConfigError('the config must be a JSON object keyed by policy name (or "all")');
    }
    const byName = new Map(policies.map((p) => [p.name, p]));
    const levels = new Map<string, EnforcementLevel>();
    const options = new Map<string, Record<string, unknown>>();
    let all: EnforcementLevel | undefined;
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
        let level: unknown;
        let props: Record<string, unknown> = {};
        if (typeof value === "string") {
            level = value;
        } else if (value && typeof value === "object" && !Array.isArray(value)) {
            ({ enforcementLevel: level, ...props } = value as Record<string, unknown>);
        } else {
            throw new ConfigError(`"${key}": expected an enforcement level or an object, got ${JSON.stringify(value)}`);
        }
        if (level !== undefined && !isLevel(level)) {
            throw new ConfigError(`"${key}": enforcementLevel ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}`);
        }
        if (key === "all") {
            if (Object.keys(props).length > 0) throw new ConfigError(`"all": only enforcementLevel may be set for all policies`);
            all = level as EnforcementLevel | undefined;
            continue;
        }
        const policy = byName.get(key);
        if (!policy) throw new ConfigError(`"${key}" is not a policy of istio-mesh-guard`);
        const schema: PolicyConfigSchema | undefined = policy.configSchema;
        for (const [opt, v] of Object.entries(props)) {
            const s = schema?.properties?.[opt];
            if (!s)
                throw new ConfigError(
                    `"${key}.${opt}": the policy has no such option (it accepts: ${Object.keys(schema?.properties ?? {}).join(", ") || "none"})`,
                );
            if (!typeOk(s, v))
                throw new ConfigError(
                    `"${key}.${opt}": ${JSON.stringify(v)} does not match the option's schema ${JSON.stringify({ type: (s as any).type, items: (s as any).items, minimum: (s as any).minimum, maximum: (s as any).maximum })}`,
                );
        }
        for (const req of schema?.required ?? []) {
            if (!(req in props) && !(req in schemaDefaults(schema))) throw new ConfigError(`"${key}.${req}" is required`);
        }
        if (level !== undefined) levels.set(key, level as EnforcementLevel);
        options.set(key, props);
    }
    return {
        // Precedence as in the CLI: the policy's own entry, then "all", then the policy's default level.
        level: (policy, own) => levels.get(policy) ?? all ?? own ?? "advisory",
        options: (policy) => options.get(policy) ?? {},
    };
}
