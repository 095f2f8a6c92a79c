/** Sidecar injection and the proxy's reserved identity. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { GK } from "../lib/istio";
import { arr, labelMap, podTemplate, ref, WORKLOAD_KINDS } from "../lib/k8s";
import { objectPolicy, stackPolicy, stringList } from "../lib/policy";
import { injectedWorkloads } from "../lib/workloads";

/** IST0123 NamespaceMultipleInjectionLabels. */
export function namespaceInjectionLabels(): ResourceValidationPolicy {
    return objectPolicy({
        name: "namespace-injection-labels",
        description: "Checks that a Namespace does not carry both istio-injection and istio.io/rev.",
        enforcementLevel: "mandatory",
        kinds: [GK.Namespace],
        check: (o, _cfg, report) => {
            const legacy = o.labels["istio-injection"];
            const rev = o.labels["istio.io/rev"];
            // istio-injection=disabled turns injection off whatever the revision says: the revision label is
            // inert, not conflicting, and Istio's analyzer leaves it alone too.
            if (legacy !== undefined && rev !== undefined && legacy === "enabled") {
                report(
                    `${ref(o)}: metadata.labels has both istio-injection=${legacy} and istio.io/rev=${rev}; istio-injection wins, so pods get the default revision's proxy (or none) instead of that of revision or tag ${rev}, which breaks canary upgrades and tag moves. Keep only istio.io/rev.`,
                );
            }
        },
    });
}

const OPT_OUT_KEY = "sidecar.istio.io/inject";

/** Kyverno `prevent-disabling-injection-pods`. */
export function workloadInjectionOptOut(): StackValidationPolicy {
    return stackPolicy<{ injectedNamespaces: string[]; allowedWorkloads: string[] }>({
        name: "workload-injection-opt-out",
        description: 'Checks that no pod template in a namespace with sidecar injection opts out with sidecar.istio.io/inject: "false".',
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                injectedNamespaces: stringList("Namespaces with injection enabled whose Namespace object is not among the checked resources."),
                allowedWorkloads: stringList(
                    "Workloads allowed to run without a sidecar, as namespace/name (e.g. a job that must reach the API server before the proxy is ready).",
                ),
            },
        },
        check: (idx, cfg, report) => {
            for (const { workload: w, template: t } of injectedWorkloads(idx, cfg)) {
                if (managesOwnProxy(t)) continue;
                for (const field of ["labels", "annotations"]) {
                    const v = labelMap(t.metadata[field])[OPT_OUT_KEY];
                    if (v === "false") {
                        report(
                            w,
                            `${ref(w)}: ${t.path}metadata.${field}["${OPT_OUT_KEY}"] is "false" in namespace ${w.namespace}, where injection is enabled; its pods run without a proxy, outside mTLS and AuthorizationPolicy, and STRICT peers refuse their plaintext.`,
                        );
                    }
                }
            }
        },
    });
}

const PROXY_CONTAINERS = new Set(["istio-proxy", "istio-init", "istio-validation"]);

/** Istio's own components, which opt out of injection because they are the control plane or the node agents. */
const ISTIO_COMPONENTS: [string, string][] = [
    ["app", "istiod"],
    ["istio", "pilot"],
    ["k8s-app", "istio-cni-node"],
    ["app", "ztunnel"],
];

/**
 * True for pods that run a proxy without injection (a gateway with its own istio-proxy container) or are
 * Istio's control plane and node agents: their opt-out is how Istio installs them, not an escape from the mesh.
 */
function managesOwnProxy(t: { metadata: Record<string, any>; spec: Record<string, any> }): boolean {
    const labels = labelMap(t.metadata.labels);
    if (ISTIO_COMPONENTS.some(([k, v]) => labels[k] === v)) return true;
    return arr(t.spec.containers).some((c) => c?.name === "istio-proxy");
}
const PROXY_UID = 1337;

/** IST0144 InvalidApplicationUID. */
export function reservedProxyUid(): ResourceValidationPolicy {
    return objectPolicy({
        name: "reserved-proxy-uid",
        description: "Checks that no application container runs as UID 1337, which Istio reserves for the proxy.",
        enforcementLevel: "mandatory",
        kinds: WORKLOAD_KINDS,
        check: (o, _cfg, report) => {
            const t = podTemplate(o);
            if (!t) return;
            const podUid = t.spec.securityContext?.runAsUser;
            for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
                arr(t.spec[field]).forEach((c, i) => {
                    if (PROXY_CONTAINERS.has(c?.name)) return;
                    const own = c?.securityContext?.runAsUser;
                    const uid = own ?? podUid;
                    if (Number(uid) !== PROXY_UID) return;
                    const path = own !== undefined ? `${t.path}spec.${field}[${i}].securityContext.runAsUser` : `${t.path}spec.securityContext.runAsUser`;
                    report(
                        `${ref(o)}: ${path} is 1337, so container "${c?.name}" runs as the proxy's UID; its outbound traffic bypasses the sidecar's capture rules, escaping mTLS and policy. Use another UID.`,
                    );
                });
            }
        },
    });
}

const BYPASS = ["excludeInboundPorts", "excludeOutboundPorts", "excludeOutboundIPRanges", "excludeInterfaces"].map((k) => `traffic.sidecar.istio.io/${k}`);

/** Istio security best practice: traffic capture exclusions bypass policy. */
export function trafficCaptureBypass(): ResourceValidationPolicy {
    return objectPolicy({
        name: "traffic-capture-bypass",
        description: "Checks that pod templates do not exclude ports, IP ranges or interfaces from the sidecar's traffic capture.",
        enforcementLevel: "advisory",
        kinds: WORKLOAD_KINDS,
        check: (o, _cfg, report) => {
            const t = podTemplate(o);
            if (!t) return;
            const ann = labelMap(t.metadata.annotations);
            for (const key of BYPASS) {
                if (ann[key] !== undefined && ann[key] !== "") {
                    report(
                        `${ref(o)}: ${t.path}metadata.annotations["${key}"] is "${ann[key]}"; that traffic bypasses the proxy, so it is neither encrypted by mTLS nor subject to AuthorizationPolicy.`,
                    );
                }
            }
        },
    });
}
