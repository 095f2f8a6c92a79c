/**
 * Pod Security and traffic redirection: with Istio's CNI node agent, injected pods need no NET_ADMIN or
 * NET_RAW; without it, every injected pod carries istio-init, which Pod Security baseline and restricted
 * refuse (seed 000's platform enforces baseline through Kyverno).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { GK, injectionEnabled } from "../lib/istio";
import { arr, K8sObject, ref } from "../lib/k8s";
import { stackPolicy, stringList } from "../lib/policy";
import type { StackIndex } from "../lib/stack";
import { injectedWorkloads } from "../lib/workloads";

const ENFORCE = "pod-security.kubernetes.io/enforce";
const CNI_AGENT = "istio-cni-node";
const INJECTOR = /^istio-sidecar-injector(-.+)?$/;

/** True when the stack holds the CNI node agent's DaemonSet (any namespace). */
function hasCniAgent(idx: StackIndex): boolean {
    return idx.of(GK.DaemonSet).some((d) => d.name === CNI_AGENT || d.labels["k8s-app"] === CNI_AGENT);
}

/** The injector ConfigMaps of the stack whose values leave the CNI path off (they still inject istio-init). */
function injectorsWithoutCni(idx: StackIndex): K8sObject[] {
    return idx.of(GK.ConfigMap).filter((c) => {
        if (!INJECTOR.test(c.name) || c.unknown) return false;
        const text = c.raw.data?.values;
        if (typeof text !== "string") return false;
        try {
            return JSON.parse(text)?.pilot?.cni?.enabled !== true;
        } catch {
            return false;
        }
    });
}

/** Kyverno/PSS baseline `disallow-capabilities` meets Istio's istio-init. */
export function meshNamespacePodSecurityCni(): StackValidationPolicy {
    return stackPolicy<{ cniAgentElsewhere: boolean }>({
        name: "mesh-namespace-pod-security-cni",
        description:
            "Checks that a namespace with sidecar injection enforcing Pod Security baseline or restricted has the Istio CNI node agent, and an injector configured for it.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                cniAgentElsewhere: {
                    type: "boolean",
                    default: false,
                    description: "The Istio CNI node agent is installed by another stack or tool, so its DaemonSet is not among the resources.",
                },
            },
        },
        check: (idx, cfg, report) => {
            if (idx.incomplete(GK.DaemonSet)) return;
            const agent = cfg.cniAgentElsewhere || hasCniAgent(idx);
            const injectors = injectorsWithoutCni(idx);
            for (const ns of idx.of(GK.Namespace)) {
                const level = ns.labels[ENFORCE];
                if ((level !== "baseline" && level !== "restricted") || !injectionEnabled(ns)) continue;
                const why = `${ref(ns)}: enforces Pod Security "${level}" (metadata.labels["${ENFORCE}"]) and has sidecar injection`;
                const breaks =
                    "injected pods get the istio-init container, which needs NET_ADMIN and NET_RAW, so admission refuses every new pod of this namespace";
                if (!agent) {
                    report(
                        ns,
                        `${why}, but no Istio CNI node agent (DaemonSet ${CNI_AGENT}) is among the resources; ${breaks}. Install the agent (istio-mesh:istio.cni, on by default), or set cniAgentElsewhere if another stack installs it.`,
                    );
                }
                for (const c of injectors) {
                    report(
                        ns,
                        `${why}, but the sidecar injector ${ref(c)} does not have pilot.cni.enabled; ${breaks}. Set cni.enabled: true in istiod's values (istio-mesh:istio.cni does).`,
                    );
                }
            }
        },
    });
}

const NETWORK_CAPABILITIES = new Set(["NET_ADMIN", "NET_RAW"]);
/** Containers the injector adds; their capabilities are the mesh's business. */
const PROXY_CONTAINERS = new Set(["istio-proxy", "istio-init", "istio-validation"]);

/** PSS baseline `disallow-capabilities`, in mesh namespaces. */
export function workloadNetworkCapabilities(): StackValidationPolicy {
    return stackPolicy<{ injectedNamespaces: string[]; allowedWorkloads: string[] }>({
        name: "workload-network-capabilities",
        description: "Checks that no container of a workload in a namespace with sidecar injection adds the NET_ADMIN or NET_RAW capability.",
        enforcementLevel: "advisory",
        configSchema: {
            properties: {
                injectedNamespaces: stringList("Namespaces with injection enabled whose Namespace object is not among the checked resources."),
                allowedWorkloads: stringList("Workloads allowed to add NET_ADMIN/NET_RAW, as namespace/name."),
            },
        },
        check: (idx, cfg, report) => {
            for (const { workload: w, template: t } of injectedWorkloads(idx, cfg)) {
                for (const field of ["initContainers", "containers"]) {
                    arr(t.spec[field]).forEach((c, i) => {
                        if (PROXY_CONTAINERS.has(c?.name)) return;
                        const asked = arr(c?.securityContext?.capabilities?.add)
                            .map((x) => String(x).replace(/^CAP_/, ""))
                            .filter((x) => NETWORK_CAPABILITIES.has(x));
                        if (asked.length === 0) return;
                        report(
                            w,
                            `${ref(w)}: ${t.path}spec.${field}[${i}].securityContext.capabilities.add asks for ${asked.join(" and ")} in mesh namespace ${w.namespace}; with the Istio CNI node agent no container needs it for the mesh, Pod Security baseline refuses the pod, and a container that can rewrite the pod's iptables can bypass the sidecar's capture (escaping mTLS and AuthorizationPolicy). Remove it; the CNI agent does what istio-init did.`,
                        );
                    });
                }
            }
        },
    });
}
