/** Runs the pack's policies over manifest resources the way the engine does: each resource policy per object, each stack policy over all. */
import type {
    EnforcementLevel,
    Policies,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { parseTypeToken } from "../lib/k8s";
import { kindsOf, schemaDefaults } from "../lib/policy";
import { ResolvedConfig } from "./config";
import { ManifestResource } from "./load";

/** One reported violation. */
export interface Violation {
    policy: string;
    level: Exclude<EnforcementLevel, "disabled" | "remediate">;
    /** The resource the violation is about, when the policy named one. */
    resource?: ManifestResource;
    message: string;
}

/** A policy threw instead of reporting: a bug to surface, not a verdict. */
export class PolicyError extends Error {}

const NO_OPTIONS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};
const NO_TAGS: ReadonlyMap<string, string> = new Map();
// Manifests declare no dependencies; one shared empty list and map rather than two per resource.
const NO_DEPENDENCIES: PolicyResource[] = [];
const NO_PROPERTY_DEPENDENCIES: Record<string, PolicyResource[]> = {};

const NOT_TYPED = () => false;
const NO_CONFIG = <T>() => ({}) as T;
const NO_TYPE = () => undefined;

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}
class NotApplicable extends Error {}

/** Milliseconds spent per policy, filled when {@link runPolicies} is asked to time (GUARD_TIMINGS=1). */
export type Timings = Map<string, number>;

/** Runs every enabled policy; violations come back in policy order, then resource order. */
export async function runPolicies(policies: Policies, resources: ManifestResource[], config: ResolvedConfig, timings?: Timings): Promise<Violation[]> {
    const clock = timings ? () => performance.now() : undefined;
    const out: Violation[] = [];
    // Only stack violations need it: made with the first one.
    let byUrn: Map<string, ManifestResource> | undefined;
    const resourceOf = (urn: string) => (byUrn ??= new Map(resources.map((r) => [r.urn, r]))).get(urn);
    const enabled = policies
        .map((p) => {
            const lvl = config.level(p.name, p.enforcementLevel);
            const options = { ...schemaDefaults(p.configSchema), ...config.options(p.name) };
            return { p, level: lvl === "remediate" ? ("mandatory" as const) : lvl, getConfig: <T>() => options as T };
        })
        .filter((e) => e.level !== "disabled");

    // Resource policies: one args object per resource, shared by the policies (only getConfig differs).
    const perPolicy = new Map<string, Violation[]>(enabled.map((e) => [e.p.name, []]));
    let current: ManifestResource | undefined;
    const resourcePolicies = enabled
        .filter((e) => "validateResource" in e.p && (e.p as ResourceValidationPolicy).validateResource)
        .map((e) => {
            const fns = (e.p as ResourceValidationPolicy).validateResource!;
            const out = perPolicy.get(e.p.name)!;
            const level = e.level as Violation["level"];
            const report = (message: string) => out.push({ policy: e.p.name, level, resource: current, message });
            const list = Array.isArray(fns) ? fns : [fns];
            // Policies that declare their kinds are not called for others, as the engine skips typed policies.
            const kinds = list.every((fn) => kindsOf(fn)) ? new Set(list.flatMap((fn) => [...kindsOf(fn)!])) : undefined;
            return { name: e.p.name, getConfig: e.getConfig, report, fns: list, kinds };
        });
    // The policies that apply to each type, in policy order, worked out once per type rather than per object.
    const byType = new Map<string, typeof resourcePolicies>();
    const applicable = (type: string) => {
        let list = byType.get(type);
        if (!list) {
            const gk = parseTypeToken(type)?.gk;
            list = resourcePolicies.filter((e) => !e.kinds || (gk !== undefined && e.kinds.has(gk)));
            byType.set(type, list);
        }
        return list;
    };
    const time = (name: string, t0: number | undefined) => {
        if (t0 !== undefined) timings!.set(name, (timings!.get(name) ?? 0) + clock!() - t0);
    };
    /**
     * Runs the resource policies on `r` from policy `k`, function `f` on. Synchronous while the validations
     * are (all of the pack's are): an await per call would cost more than most checks. When one returns a
     * promise, the rest of `r` runs after it settles, in the same order.
     */
    const check = (r: ManifestResource, args: ResourceValidationArgs, k: number, f: number): Promise<void> | undefined => {
        current = r;
        const list = applicable(r.type);
        for (; k < list.length; k++, f = 0) {
            const e = list[k];
            args.getConfig = e.getConfig;
            const t0 = clock?.();
            for (; f < e.fns.length; f++) {
                const pending = invoke(e.fns[f], args, e.report, e.name, r);
                if (pending) {
                    const [nextK, nextF] = f + 1 < e.fns.length ? [k, f + 1] : [k + 1, 0];
                    return pending.then(() => {
                        time(e.name, t0);
                        return check(r, args, nextK, nextF);
                    });
                }
            }
            time(e.name, t0);
        }
        return undefined;
    };
    const checkFrom = (i: number): Promise<void> | undefined => {
        for (; i < resources.length; i++) {
            const r = resources[i];
            const args = {
                type: r.type,
                props: r.props,
                urn: r.urn,
                name: r.name,
                opts: NO_OPTIONS,
                stackTags: NO_TAGS,
                isType: NOT_TYPED,
                asType: NO_TYPE,
                getConfig: NO_CONFIG,
                notApplicable,
                noUnknowns: true,
            } as ResourceValidationArgs;
            const pending = check(r, args, 0, 0);
            if (pending) {
                const next = i + 1;
                return pending.then(() => checkFrom(next));
            }
        }
        return undefined;
    };
    const pending = checkFrom(0);
    if (pending) await pending;

    // Stack policies: one shared resource list, so the index is built once.
    const stack = resources.map((r) => ({
        type: r.type,
        props: r.props,
        urn: r.urn,
        name: r.name,
        opts: NO_OPTIONS,
        dependencies: NO_DEPENDENCIES,
        propertyDependencies: NO_PROPERTY_DEPENDENCIES,
        isType: NOT_TYPED,
        asType: NO_TYPE,
        noUnknowns: true,
    })) as PolicyResource[];
    for (const e of enabled) {
        if (!("validateStack" in e.p)) continue;
        const args: StackValidationArgs = { resources: stack, stackTags: NO_TAGS, getConfig: e.getConfig, notApplicable };
        const report = (message: string, urn?: string) =>
            perPolicy.get(e.p.name)!.push({
                policy: e.p.name,
                level: e.level as Violation["level"],
                resource: urn ? resourceOf(urn) : undefined,
                message,
            });
        const t0 = clock?.();
        const pending = invoke((e.p as StackValidationPolicy).validateStack, args, report, e.p.name);
        if (pending) await pending;
        if (t0 !== undefined) timings!.set(e.p.name, (timings!.get(e.p.name) ?? 0) + clock!() - t0);
    }
    for (const e of enabled) out.push(...perPolicy.get(e.p.name)!);
    return out;
}

/** Calls a validation; only asynchronous ones cost a promise, which keeps 50,000 resources fast. */
function invoke<A, R>(fn: (args: A, report: R) => unknown, args: A, report: R, policy: string, r?: ManifestResource): Promise<void> | undefined {
    try {
        const result = fn(args, report);
        if (result && typeof (result as Promise<void>).then === "function") {
            return (result as Promise<void>).then(undefined, (e) => fail(e, policy, r));
        }
    } catch (e) {
        fail(e, policy, r);
    }
    return undefined;
}

function fail(e: unknown, policy: string, r?: ManifestResource): void {
    if (e instanceof NotApplicable) return;
    throw new PolicyError(`policy ${policy} failed${r ? ` on ${r.source}` : ""}: ${(e as Error)?.stack ?? String(e)}`);
}
