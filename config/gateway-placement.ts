/**
 * Where a gateway's pods run, typed: node selector, tolerations, anti-affinity across nodes, spread across
 * zones and a priority class. On bare metal this is what pins gateways to the edge nodes that hold the
 * MetalLB L2 announcements, and keeps a multi-replica gateway from sitting on one node.
 */
import type { AntiAffinity } from "./control-plane";
import { Field, show } from "./field";
import { readLabels } from "./mesh-fields";

export interface Toleration {
    key?: string;
    operator: "Equal" | "Exists";
    value?: string;
    effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
    tolerationSeconds?: number;
}

export interface Placement {
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
    /** Keep replicas on different nodes (`kubernetes.io/hostname`). */
    antiAffinity: AntiAffinity;
    /** Spread replicas across zones (`topology.kubernetes.io/zone`): `preferred` is ScheduleAnyway. */
    zoneSpread: AntiAffinity;
    priorityClassName?: string;
}

/**
 * With two or more replicas a gateway is meant to survive a node: spread by default (preferred, so a
 * cluster with fewer nodes or no zone labels still schedules every replica). One replica needs neither.
 */
export function placementDefaults(minReplicas: number): Pick<Placement, "antiAffinity" | "zoneSpread"> {
    return minReplicas >= 2 ? { antiAffinity: "preferred", zoneSpread: "preferred" } : { antiAffinity: "none", zoneSpread: "none" };
}

const MODES = ["none", "preferred", "required"];
const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
const PRIORITY_CLASS = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export function parsePlacement(f: Field, minReplicas: number): Placement {
    const d = placementDefaults(minReplicas);
    const o = f.object(["nodeSelector", "tolerations", "antiAffinity", "zoneSpread", "priorityClassName"]);
    if (!o) {
        return { nodeSelector: {}, tolerations: [], ...d };
    }
    const placement: Placement = {
        nodeSelector: readLabels(o.nodeSelector) ?? {},
        tolerations: o.tolerations.list(parseToleration) ?? [],
        antiAffinity: o.antiAffinity.string(d.antiAffinity, { oneOf: MODES }) as AntiAffinity,
        zoneSpread: o.zoneSpread.string(d.zoneSpread, { oneOf: MODES }) as AntiAffinity,
    };
    const priority = o.priorityClassName.string(undefined, { pattern: PRIORITY_CLASS, patternHint: "a PriorityClass name such as system-cluster-critical" });
    if (priority !== undefined) {
        placement.priorityClassName = priority;
    }
    return placement;
}

function parseToleration(f: Field): Toleration | undefined {
    const o = f.object(["key", "operator", "value", "effect", "tolerationSeconds"]);
    if (!o) {
        return undefined;
    }
    const operator = o.operator.string("Equal", { oneOf: ["Equal", "Exists"] }) as Toleration["operator"];
    const t: Toleration = { operator };
    const key = o.key.string(undefined);
    if (key !== undefined) t.key = key;
    const value = o.value.string(undefined);
    if (value !== undefined) t.value = value;
    const effect = o.effect.string(undefined, { oneOf: EFFECTS });
    if (effect !== undefined) t.effect = effect as Toleration["effect"];
    const seconds = o.tolerationSeconds.integer(undefined, { min: 0 });
    if (seconds !== undefined) t.tolerationSeconds = seconds;
    if (operator === "Exists" && value !== undefined) {
        o.value.problem(`must be unset with operator Exists, which matches any value of the taint (got ${show(value)})`);
    }
    if (operator === "Equal" && key === undefined) {
        o.key.problem("required with operator Equal: the taint key to tolerate, e.g. node-role.kubernetes.io/edge");
    }
    if (seconds !== undefined && effect !== "NoExecute") {
        o.tolerationSeconds.problem("applies only to effect NoExecute (how long a pod stays on a node tainted after it started)");
    }
    return t;
}
