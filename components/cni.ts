/**
 * The Istio CNI node agent (Istio's `cni` chart): sets up each injected pod's traffic redirection on the
 * node, so injected pods need no NET_ADMIN/NET_RAW and pass Pod Security "baseline" (seed 000's platform
 * enforces it through Kyverno). istiod must be installed after it, with `cni.enabled` (cni.values.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CniConfig, CNI_DEFAULTS, POD_SECURITY_ENFORCE } from "../config/cni";
import type { IstioConfig } from "../config/istio";
import { chartRef } from "./chart-source";
import { cniValues } from "./cni.values";
import { pullSecret, PullSecretArgs } from "./pull-secret";

export interface IstioCniArgs {
    /** The Istio release and chart source; the agent comes from the same source and version as istiod. */
    istio: Pick<IstioConfig, "version" | "chart" | "hub" | "imagePullSecrets">;
    /** The agent's settings. @default CNI_DEFAULTS (kubeadm directories, chained, in kube-system) */
    cni: CniConfig;
    /** The registry's pull secret, created in the agent's namespace before the agent. @default none */
    pullSecret?: PullSecretArgs;
}

/** Namespaces that exist in every cluster and are never created or labelled by the mesh. */
const EXISTING = new Set(["kube-system"]);

/**
 * One DaemonSet (`istio-cni-node`) on every node at `system-node-critical` priority. It serves every
 * control-plane revision, so revision canaries share it. Depend on `agent` to wait for it.
 */
export class IstioCni extends pulumi.ComponentResource {
    /** The agent's namespace. */
    public readonly namespace: string;
    /** The `cni` chart release; istiod depends on it. */
    public readonly agent: k8s.helm.v4.Chart;

    constructor(name: string, args: IstioCniArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:mesh:IstioCni", name, {}, opts);
        const { istio, cni } = args;
        for (const [key, dir] of [
            ["binDir", cni.binDir],
            ["confDir", cni.confDir],
        ]) {
            if (!dir.startsWith("/")) {
                throw new pulumi.ResourceError(
                    `${name}: cni.${key} must be an absolute directory on the nodes (got "${dir}"); set it or pick a distribution`,
                    this,
                );
            }
        }
        const namespace = cni.namespace ?? CNI_DEFAULTS.namespace;
        // A namespace of its own admits the agent's hostPath mounts and capabilities, and nothing else runs there.
        const ns = EXISTING.has(namespace)
            ? undefined
            : new k8s.core.v1.Namespace(
                  `${name}-namespace`,
                  { metadata: { name: namespace, labels: { "app.kubernetes.io/part-of": "istio-mesh", [POD_SECURITY_ENFORCE]: "privileged" } } },
                  { parent: this },
              );

        const nsDeps = ns ? [ns] : [];
        const pulls = args.pullSecret ? [pullSecret(name, ns ? ns.metadata.name : namespace, args.pullSecret, this, nsDeps)] : [];
        this.agent = new k8s.helm.v4.Chart(
            `${name}-agent`,
            {
                ...chartRef(istio.chart, "cni", istio.version),
                name: "istio-cni",
                namespace: ns ? ns.metadata.name : namespace,
                values: cniValues({ cni, hub: istio.hub, imagePullSecrets: istio.imagePullSecrets }),
            },
            { parent: this, dependsOn: [...nsDeps, ...pulls] },
        );
        this.namespace = namespace;
        this.registerOutputs({ namespace: this.namespace });
    }
}
