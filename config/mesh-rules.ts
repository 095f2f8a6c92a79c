/**
 * The mesh's security rules, each in one place with one message, for the config reader (which reports them
 * under the config key) and the components (which refuse arguments that break them, for callers that do
 * not go through the config reader).
 */
import type { AllowRule, MtlsConfig } from "./mesh-types";

/** PERMISSIVE mTLS exists only to move workloads into the mesh, and must be declared as such. */
export const PERMISSIVE_NEEDS_MIGRATION =
    "PERMISSIVE accepts plaintext, so any pod can reach these workloads without an identity; it is for moving workloads into the mesh: " +
    "write { mode: PERMISSIVE, migration: true } to say so, or use STRICT";

export function permissiveWithoutMigration(mtls: Pick<MtlsConfig, "mode" | "migration">): boolean {
    return mtls.mode === "PERMISSIVE" && !mtls.migration;
}

/** The labels that enrol a namespace for sidecar injection: the mesh sets exactly one of them. */
export const INJECTION_LABEL_KEYS = ["istio-injection", "istio.io/rev"] as const;

export const INJECTION_LABEL_SET = "is the injection label, which the mesh sets from istio.revision (or this namespace's revision): remove it";
export const BOTH_INJECTION_LABELS_SET = "sets both istio-injection and istio.io/rev; a namespace takes one injection label, and the mesh sets it: remove both";

/** The injection labels among `labels` (own keys). */
export function injectionLabelsIn(labels: Readonly<Record<string, unknown>>): string[] {
    return INJECTION_LABEL_KEYS.filter((k) => Object.hasOwn(labels, k));
}

/** Whether an allow rule names neither a source nor an operation, so that it would allow every request. */
export function allowsEverything(rule: Pick<AllowRule, "from" | "methods" | "paths" | "ports">): boolean {
    return rule.from.length === 0 && !rule.methods?.length && !rule.paths?.length && !rule.ports?.length;
}

/** The message for an allow rule without source or operation; `to` is its target workload, if any. */
export function allowsEverythingMessage(to?: string): string {
    return `allows every request from anywhere${to ? ` to ${to}` : ""}: give it a source (from) or an operation (methods, paths, ports)`;
}
