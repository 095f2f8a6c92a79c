import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ControlPlaneConfig } from "../config/control-plane";
import type { IstioConfig } from "../config/istio";
import { chartRef, ignoreWebhookRuntimeFields, retainCrds } from "./chart-source";
import { AIR_GAPPED_HUB_ANNOTATION } from "../config/registry";
import { baseDefaultRevision, chartRevision, crdRevision, istiodReleases } from "./control-plane.revisions";
import { baseValues, MeshSettings } from "./control-plane.values";
import { PluginCa } from "./plugin-ca";
import { pullSecret, PullSecretArgs } from "./pull-secret";

export interface ControlPlaneArgs {
    istio: IstioConfig;
    controlPlane: ControlPlaneConfig;
    mesh: MeshSettings;
    /** The CNI node agent's release (components/cni.ts): istiod waits for it. @default none */
    cni?: pulumi.Resource;
    /** The registry's pull secret, created in the control plane's namespace before istiod. @default none */
    pullSecret?: PullSecretArgs;
}

/**
 * The mesh control plane: the Istio namespace, the optional plug-in CA, Istio's `base` chart (CRDs and the
 * default validator) and then `istiod`. Everything that needs the sidecar injector or the validation
 * webhook must depend on this component, which completes only once istiod is ready.
 */
export class ControlPlane extends pulumi.ComponentResource {
    /** The mesh root namespace (where mesh-wide policy lives). */
    public readonly namespace: pulumi.Output<string>;
    /** The revision unpinned namespaces and gateways follow (`default` for Istio's unrevisioned one). */
    public readonly revision: string;
    /** What gateways enrol with: the revision or tag of istio.revision, or "default". */
    public readonly gatewayRevision: string;
    /** The label that enrols a namespace with this control plane. */
    public readonly injectionLabel: { key: string; value: string };
    /** istiod's Service address, for proxies and diagnostics. */
    public readonly istiodAddress: string;
    /** The mesh's root certificate when a plug-in CA is used (public; share it with clusters that join). */
    public readonly rootCertPem?: pulumi.Output<string>;
    /** The istiod release of the followed revision; depend on it to wait for its injector and validation webhook. */
    public readonly istiod: k8s.helm.v4.Chart;
    /** Every istiod release, by revision name. */
    public readonly istiods: Record<string, k8s.helm.v4.Chart> = {};

    constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:mesh:ControlPlane", name, {}, opts);
        const { istio, controlPlane, mesh } = args;
        const protect = istio.protect;

        const ns = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: {
                    name: istio.namespace,
                    labels: { "app.kubernetes.io/part-of": "istio-mesh" },
                    // How the air-gapped-image-registry policy learns the hub at preview.
                    ...(istio.airGapped && istio.hub ? { annotations: { [AIR_GAPPED_HUB_ANNOTATION]: istio.hub } } : {}),
                },
            },
            { parent: this, protect },
        );

        const ca = istio.pluginCa
            ? new PluginCa(`${name}-ca`, { namespace: ns.metadata.name, trustDomain: istio.trustDomain, settings: istio.pluginCa, protect }, { parent: this })
            : undefined;

        const pulls = args.pullSecret ? [pullSecret(name, ns.metadata.name, args.pullSecret, this, [ns])] : [];

        const valuesArgs = {
            namespace: istio.namespace,
            revision: baseDefaultRevision(istio),
            hub: istio.hub,
            imagePullSecrets: istio.imagePullSecrets,
            controlPlane,
            mesh,
            cni: istio.cni,
        };
        // One base chart (CRDs and the default validator), from the newest revision: its CRDs serve older istiods too.
        const crds = crdRevision(istio);
        const base = new k8s.helm.v4.Chart(
            `${name}-base`,
            {
                ...chartRef(crds.chart, "base", crds.version),
                name: "istio-base",
                namespace: ns.metadata.name,
                values: baseValues(valuesArgs),
            },
            { parent: this, dependsOn: [ns], transforms: [retainCrds(protect), ignoreWebhookRuntimeFields] },
        );

        for (const release of istiodReleases(name, istio, controlPlane, mesh)) {
            this.istiods[release.revision.name] = new k8s.helm.v4.Chart(
                release.resourceName,
                {
                    ...release.chart,
                    name: release.releaseName,
                    namespace: ns.metadata.name,
                    values: release.values,
                    ...(release.resourcePrefix ? { resourcePrefix: release.resourcePrefix } : {}),
                },
                // istiod reads the plug-in CA only at start-up: the secret must exist before its first pod.
                // The injector it starts with already relies on the CNI agent, so the agent comes first.
                // Every revision's webhooks get the same drift handling: two control planes preview clean too.
                {
                    parent: this,
                    dependsOn: [base, ...(ca ? [ca] : []), ...(args.cni ? [args.cni] : []), ...pulls],
                    transforms: [ignoreWebhookRuntimeFields],
                    ...(release.aliases.length > 0 ? { aliases: release.aliases.map((n) => ({ name: n })) } : {}),
                },
            );
        }
        this.istiod = this.istiods[istio.followRevision];

        this.namespace = ns.metadata.name;
        this.revision = istio.followRevision;
        this.gatewayRevision = istio.revision ?? "default";
        this.injectionLabel = istio.revision ? { key: "istio.io/rev", value: istio.revision } : { key: "istio-injection", value: "enabled" };
        const followed = chartRevision(istio.followRevision);
        this.istiodAddress = `istiod${followed ? `-${followed}` : ""}.${istio.namespace}.svc:15012`;
        this.rootCertPem = ca?.rootCertPem;
        this.registerOutputs({
            namespace: this.namespace,
            revision: this.revision,
            istiodAddress: this.istiodAddress,
            rootCertPem: this.rootCertPem,
        });
    }
}
