/** Durations in Istio resources: the CRDs reject anything below 1ms, `timeout: 0s` included. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { formatDuration, MS, parseDuration } from "../lib/duration";
import { GK } from "../lib/istio";
import { Obj, ref } from "../lib/k8s";
import { objectPolicy } from "../lib/policy";

/** Duration fields under a DestinationRule traffic policy (also per port), from the Istio 1.30 CRDs. */
const TRAFFIC_POLICY = [
    "connectionPool.http.idleTimeout",
    "connectionPool.tcp.connectTimeout",
    "connectionPool.tcp.maxConnectionDuration",
    "connectionPool.tcp.tcpKeepalive.interval",
    "connectionPool.tcp.tcpKeepalive.time",
    "loadBalancer.warmup.duration",
    "loadBalancer.warmupDurationSecs",
    "outlierDetection.baseEjectionTime",
    "outlierDetection.interval",
];
const POOL = TRAFFIC_POLICY.filter((p) => p.startsWith("connectionPool."));

function trafficPolicyPaths(base: string): string[] {
    return [...TRAFFIC_POLICY.map((p) => `${base}.${p}`), ...TRAFFIC_POLICY.map((p) => `${base}.portLevelSettings[].${p}`)];
}

/** Every field with the CRD rule `duration(self) >= duration('1ms')`, per kind; `[]` walks a list. */
export const DURATION_FIELDS: Record<string, string[]> = {
    [GK.VirtualService]: [
        "timeout",
        "retries.perTryTimeout",
        "retries.backoff",
        "fault.delay.fixedDelay",
        "fault.delay.exponentialDelay",
        "corsPolicy.maxAge",
    ].map((p) => `spec.http[].${p}`),
    [GK.DestinationRule]: [...trafficPolicyPaths("spec.trafficPolicy"), ...trafficPolicyPaths("spec.subsets[].trafficPolicy")],
    [GK.Sidecar]: [...POOL.map((p) => `spec.inboundConnectionPool.${p.slice("connectionPool.".length)}`), ...POOL.map((p) => `spec.ingress[].${p}`)],
    [GK.RequestAuthentication]: ["spec.jwtRules[].timeout"],
    [GK.Telemetry]: ["spec.metrics[].reportingInterval"],
};

/** The duration paths of a kind as a tree, so one walk over the object visits every duration field. */
interface PathTree {
    [step: string]: { list: boolean; leaf: boolean; next: PathTree };
}

function compile(patterns: string[]): PathTree {
    const root: PathTree = {};
    for (const pattern of patterns) {
        let node = root;
        const steps = pattern.split(".");
        steps.forEach((step, i) => {
            const list = step.endsWith("[]");
            const key = list ? step.slice(0, -2) : step;
            const entry = (node[key] ??= { list, leaf: false, next: {} });
            if (i === steps.length - 1) entry.leaf = true;
            node = entry.next;
        });
    }
    return root;
}

const TREES = new Map(Object.entries(DURATION_FIELDS).map(([gk, patterns]) => [gk, compile(patterns)]));

/** Calls `visit` with every value found along the tree and its concrete path (`spec.http[2].timeout`). */
function walkTree(cur: Obj, tree: PathTree, path: string, visit: (value: unknown, path: string) => void): void {
    for (const key in tree) {
        const v = cur[key];
        if (v === undefined || v === null) continue;
        const t = tree[key];
        const at = path ? `${path}.${key}` : key;
        const step = (x: unknown, p: string) => {
            if (t.leaf) visit(x, p);
            else if (typeof x === "object" && x !== null) walkTree(x as Obj, t.next, p, visit);
        };
        if (t.list) {
            if (Array.isArray(v)) v.forEach((x, j) => step(x, `${at}[${j}]`));
        } else {
            step(v, at);
        }
    }
}

/** Istio CRD validation (x-kubernetes-validations on every protobuf Duration). */
export function durationMinimum(): ResourceValidationPolicy {
    return objectPolicy({
        name: "duration-minimum",
        description:
            "Checks that every duration in VirtualService, DestinationRule, Sidecar, RequestAuthentication and Telemetry is a valid duration of at least 1ms.",
        enforcementLevel: "mandatory",
        kinds: Object.keys(DURATION_FIELDS),
        check: (o, _cfg, report) => {
            walkTree(o.raw, TREES.get(o.gk)!, "", (v, path) => {
                const text = typeof v === "number" ? String(v) : typeof v === "string" ? v : undefined;
                const ns = text === undefined ? undefined : parseDuration(text);
                if (ns === undefined) {
                    report(`${ref(o)}: ${path} is ${JSON.stringify(v)}, not a duration such as "5s" or "250ms"; the API server rejects the object.`);
                } else if (ns < MS) {
                    const hint = path.endsWith(".timeout") ? " To disable a timeout, omit the field instead." : "";
                    report(
                        `${ref(o)}: ${path} is ${text}${formatDuration(ns) === text ? "" : ` (${formatDuration(ns)})`}, below the 1ms minimum; the API server rejects the object, so the whole change fails to apply.${hint}`,
                    );
                }
            });
        },
    });
}
