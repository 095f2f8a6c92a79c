import type {
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { K8sObject, strictView, toObject, UnknownValue } from "./k8s";
import { StackIndex, stackIndex } from "./stack";

/** The defaults written in a config schema (`properties.<key>.default`). */
export function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(schema?.properties ?? {})) {
        if (p && typeof p === "object" && p.default !== undefined) out[k] = p.default;
    }
    return out;
}

/**
 * A policy's effective options: the schema defaults overlaid with what `getConfig()` returns. The CLI already
 * applies the defaults; applying them here too keeps a policy correct when it is driven without the CLI.
 */
export function settings<C>(schema: PolicyConfigSchema | undefined, getConfig: () => object): C {
    return settingsOf<C>(schema, getConfig() as object);
}

/** {@link settings} for the object `getConfig()` returned. */
function settingsOf<C>(schema: PolicyConfigSchema | undefined, given: object): C {
    // The checker hands out one options object per policy: merge it once, not once per resource.
    let merged = mergedCache.get(given);
    if (!merged) {
        merged = { ...schemaDefaults(schema), ...given };
        mergedCache.set(given, merged);
    }
    return merged as C;
}

const mergedCache = new WeakMap<object, object>();

interface Common {
    /** kebab-case, unique in the pack. */
    name: string;
    /** Starts with "Checks that". */
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: PolicyConfigSchema;
}

/** A check of single objects of some kinds. */
export interface ObjectRule<C> extends Common {
    /** `group/Kind` values the rule applies to. */
    kinds: readonly string[];
    check(o: K8sObject, cfg: C, report: (message: string) => void): void;
}

/** A check over all objects of the stack. */
export interface StackRule<C> extends Common {
    check(idx: StackIndex, cfg: C, report: (o: K8sObject, message: string) => void): void;
}

/** Where {@link objectPolicy} records the `group/Kind`s a validation applies to. */
export const KINDS = Symbol.for("istio-mesh-guard.kinds");

/** The kinds a validation function applies to, when it says so. */
export function kindsOf(fn: unknown): ReadonlySet<string> | undefined {
    return (fn as Record<symbol, ReadonlySet<string>> | undefined)?.[KINDS];
}

/**
 * A resource policy that normalises the resource and keeps to its kinds. During preview, a check that reads
 * a value not known yet is skipped (the update runs it again with the value known); its other findings stand.
 */
export function objectPolicy<C = Record<string, never>>(rule: ObjectRule<C>): ResourceValidationPolicy {
    const kinds = new Set(rule.kinds);
    // Findings wait here until the check ends (a check that reads an unknown reports none). Checks are
    // synchronous and do not nest, so one buffer per policy serves every call without allocating.
    const found: string[] = [];
    const collect = (m: string) => {
        found.push(m);
    };
    const validateResource = (args: ResourceValidationArgs, report: ReportViolation) => {
        const o = toObject(args);
        if (!o || !kinds.has(o.gk)) return;
        found.length = 0;
        try {
            rule.check(strictView(o), settingsOf<C>(rule.configSchema, args.getConfig() as object), collect);
        } catch (e) {
            found.length = 0;
            if (!(e instanceof UnknownValue)) throw e;
            return;
        }
        if (found.length === 0) return;
        for (const m of found.splice(0, found.length)) report(m);
    };
    // The manifest checker skips calls for other kinds with this (the engine's own shortcut handles one type only).
    Object.defineProperty(validateResource, KINDS, { value: kinds });
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
        validateResource,
    };
}

/**
 * A stack policy over the shared {@link StackIndex}; violations are attributed to the offending object.
 * Objects with values unknown during preview are never reported, and kinds with such objects count as
 * incomplete for lookups ({@link StackIndex.incomplete}).
 */
export function stackPolicy<C = Record<string, never>>(rule: StackRule<C>): StackValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const idx = stackIndex(args.resources);
            rule.check(
                idx,
                settings<C>(rule.configSchema, () => args.getConfig()),
                (o, m) => {
                    if (!o.unknown) report(m, o.urn);
                },
            );
        },
    };
}

/** Schema snippet: a list of strings with a default and a description. */
export function stringList(description: string, def: string[] = []): { type: "array"; items: { type: "string" }; default: string[]; description: string } {
    return { type: "array", items: { type: "string" }, default: def, description };
}

/** Schema snippet for the cluster DNS domain used to resolve short host names. */
export const clusterDomainOption = {
    type: "string" as const,
    default: "cluster.local",
    description: "Cluster DNS domain; short hosts resolve to <name>.<namespace>.svc.<clusterDomain>.",
};
