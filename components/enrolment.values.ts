/**
 * Which namespaces' enrolment changed since the previous update, and what the operator runs next (seed 002):
 * pods get a sidecar only when they start, so a newly enrolled namespace (or one moved to another revision)
 * keeps running its old pods until they are restarted. Pure: the program feeds it the previous update's
 * stack output and the injection label each namespace carries now.
 */

/** Namespace to its injection label as `key=value` (`istio-injection=enabled`, `istio.io/rev=1-30-3`). */
export type EnrolmentLabels = Record<string, string>;

export interface EnrolmentChange {
    namespace: string;
    /** The label before this update; null: not enrolled before. */
    from: string | null;
    /** The label now; null: no longer enrolled by this stack. */
    to: string | null;
    /** Restarts the namespace's Deployments, so their pods are (re-)injected or lose the sidecar. */
    restart: string;
    /** Lists each pod with its containers: every pod should show istio-proxy (none after leaving the mesh). */
    verify: string;
}

export interface EnrolmentReport {
    labels: EnrolmentLabels;
    changed: EnrolmentChange[];
}

export function restartCommand(namespace: string): string {
    return `kubectl rollout restart deploy -n ${namespace}`;
}

export function verifyCommand(namespace: string): string {
    // istio-proxy is a container, or an init container when Istio runs it as a native sidecar.
    return `kubectl get pods -n ${namespace} -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.spec.initContainers[*].name} {.spec.containers[*].name}{"\\n"}{end}'`;
}

/**
 * The labels of the previous update's `enrolment` output, or undefined when there is none (first update,
 * or an output written by an older program). Anything malformed counts as absent rather than failing the update.
 */
export function previousLabels(output: unknown): EnrolmentLabels | undefined {
    const labels = output !== null && typeof output === "object" ? (output as { labels?: unknown }).labels : undefined;
    if (labels === null || typeof labels !== "object" || Array.isArray(labels)) {
        return undefined;
    }
    return Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/**
 * Compares the injection labels now with the previous update's. Without a previous update every namespace
 * counts as newly enrolled (the safe reading: restarting an injected pod is harmless). Sorted by namespace.
 */
export function enrolmentChanges(previous: EnrolmentLabels | undefined, current: EnrolmentLabels): EnrolmentReport {
    const before = previous ?? {};
    const names = [...new Set([...Object.keys(before), ...Object.keys(current)])].sort();
    const changed: EnrolmentChange[] = [];
    for (const namespace of names) {
        const from = Object.hasOwn(before, namespace) ? before[namespace] : null;
        const to = Object.hasOwn(current, namespace) ? current[namespace] : null;
        if (from !== to) {
            changed.push({ namespace, from, to, restart: restartCommand(namespace), verify: verifyCommand(namespace) });
        }
    }
    return { labels: { ...current }, changed };
}

/** The fully qualified name of a stack, as a StackReference to the stack itself takes it (`organization` on the file backend). */
export function selfReferenceName(organization: string, project: string, stack: string): string {
    return `${organization}/${project}/${stack}`;
}
