/** Namespace-wide Sidecar and Telemetry resources, and tracing cost. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { GK } from "../lib/istio";
import { arr, K8sObject, Obj, ref } from "../lib/k8s";
import { isMeshConfigMap, meshConfig } from "../lib/meshconfig";
import { objectPolicy, stackPolicy } from "../lib/policy";

function hasLabels(v: unknown): boolean {
    return !!v && typeof v === "object" && Object.keys(v as Obj).length > 0;
}

/** True when a Sidecar or Telemetry applies to the whole namespace (no workload selector, no targetRef). */
function namespaceWide(o: K8sObject): boolean {
    if (o.gk === GK.Sidecar) return !hasLabels(o.spec.workloadSelector?.labels);
    return !hasLabels(o.spec.selector?.matchLabels) && !o.spec.targetRef && arr(o.spec.targetRefs).length === 0;
}

/** IST0111 MultipleSidecarsWithoutWorkloadSelectors, IST0160 MultipleTelemetriesWithoutWorkloadSelectors. */
export function singleDefaultSidecarTelemetry(): StackValidationPolicy {
    return stackPolicy({
        name: "single-default-sidecar-telemetry",
        description: "Checks that a namespace has at most one Sidecar and at most one Telemetry without a workload selector.",
        enforcementLevel: "mandatory",
        check: (idx, _cfg, report) => {
            for (const gk of [GK.Sidecar, GK.Telemetry]) {
                const byNs = new Map<string, K8sObject[]>();
                for (const o of idx.of(gk)) {
                    if (o.unknown || !namespaceWide(o)) continue;
                    const list = byNs.get(o.namespace);
                    if (list) list.push(o);
                    else byNs.set(o.namespace, [o]);
                }
                for (const [ns, list] of byNs) {
                    if (list.length < 2) continue;
                    const kind = list[0].kind;
                    for (const o of list) {
                        const others = list
                            .filter((x) => x !== o)
                            .map((x) => x.name)
                            .join(", ");
                        report(
                            o,
                            `${ref(o)}: namespace ${ns} has another ${kind} without a workload selector (${others}); Istio applies only one namespace-wide ${kind}, chosen by age, so the others are silently ignored. Merge them or add selectors.`,
                        );
                    }
                }
            }
        },
    });
}

/** Istio observability practice: full sampling is for debugging, not production traffic. */
export function traceSampling(): ResourceValidationPolicy {
    return objectPolicy<{ maxSamplingPercentage: number }>({
        name: "trace-sampling",
        description: "Checks that Telemetry tracing and the mesh config do not sample more than maxSamplingPercentage of requests.",
        enforcementLevel: "advisory",
        configSchema: {
            properties: {
                maxSamplingPercentage: {
                    type: "number",
                    minimum: 0,
                    maximum: 100,
                    default: 10,
                    description: "Highest acceptable trace sampling percentage (raise it for dev stacks).",
                },
            },
        },
        kinds: [GK.Telemetry, GK.ConfigMap],
        check: (o, cfg, report) => {
            const tooHigh = (v: unknown) => typeof v === "number" && v > cfg.maxSamplingPercentage;
            const why = `every sampled request is exported to the tracing backend, which costs proxy CPU and backend storage at production volume (limit ${cfg.maxSamplingPercentage}%)`;
            if (o.gk === GK.Telemetry) {
                arr(o.spec.tracing).forEach((t, i) => {
                    if (tooHigh(t?.randomSamplingPercentage)) {
                        report(`${ref(o)}: spec.tracing[${i}].randomSamplingPercentage is ${t.randomSamplingPercentage}; ${why}.`);
                    }
                });
                return;
            }
            if (!isMeshConfigMap(o)) return;
            const sampling = meshConfig(o)?.defaultConfig?.tracing?.sampling;
            if (tooHigh(sampling)) {
                report(`${ref(o)}: data.mesh defaultConfig.tracing.sampling is ${sampling}; ${why}.`);
            }
        },
    });
}
