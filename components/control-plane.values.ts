/**
 * Helm values for Istio's `base` and `istiod` charts, as pure functions of the typed settings. User
 * overrides are merged last; `_internal_defaults_do_not_set` is never written (the charts reserve it).
 */
import type { CniConfig } from "../config/cni";
import type { AntiAffinity, ControlPlaneConfig } from "../config/control-plane";
import type { OutboundTraffic } from "../config";
import { mergeValues } from "./chart-source";
import { cniIstiodValues } from "./cni.values";

import type { DefaultProviders, ExtensionProvider } from "../config/telemetry";

/** @deprecated use config/telemetry. */
export type { ExtensionProvider };

/** The mesh-wide settings istiod serves to every proxy. */
export interface MeshSettings {
    trustDomain: string;
    outboundTraffic: OutboundTraffic;
    /** Envoy access logs to stdout (`/dev/stdout`) or off; filtering is the Telemetry API's job. */
    accessLogFile?: string;
    accessLogEncoding?: "TEXT" | "JSON";
    extensionProviders: ExtensionProvider[];
    /** Providers used when a Telemetry resource names none. */
    defaultProviders?: DefaultProviders;
}

export interface ControlPlaneValuesArgs {
    namespace: string;
    revision?: string;
    hub?: string;
    imagePullSecrets: string[];
    controlPlane: ControlPlaneConfig;
    mesh: MeshSettings;
    /** The CNI node agent the injector relies on (components/cni.values.ts). @default off: istio-init */
    cni?: Pick<CniConfig, "enabled" | "chained">;
}

/** `meshConfig` for istiod: only what is set, so Istio's defaults stay Istio's. */
export function meshConfigValues(mesh: MeshSettings): Record<string, unknown> {
    const out: Record<string, unknown> = {
        trustDomain: mesh.trustDomain,
        outboundTrafficPolicy: { mode: mesh.outboundTraffic },
        // Sidecars merge the app's Prometheus metrics into their own endpoint (:15020/stats/prometheus).
        enablePrometheusMerge: true,
    };
    if (mesh.accessLogFile !== undefined) {
        out.accessLogFile = mesh.accessLogFile;
        out.accessLogEncoding = mesh.accessLogEncoding ?? "JSON";
    }
    if (mesh.extensionProviders.length > 0) {
        out.extensionProviders = mesh.extensionProviders;
    }
    if (mesh.defaultProviders) {
        out.defaultProviders = mesh.defaultProviders;
    }
    return out;
}

/** Labels istiod's pods carry, which its anti-affinity has to select. */
function istiodPodLabels(revision?: string): Record<string, string> {
    return { app: "istiod", "istio.io/rev": revision ?? "default" };
}

export function affinityValues(mode: AntiAffinity, revision?: string): Record<string, unknown> {
    if (mode === "none") {
        return {};
    }
    const term = { labelSelector: { matchLabels: istiodPodLabels(revision) }, topologyKey: "kubernetes.io/hostname" };
    return {
        podAntiAffinity:
            mode === "required"
                ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
                : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    };
}

function globalValues(a: Pick<ControlPlaneValuesArgs, "namespace" | "hub" | "imagePullSecrets">): Record<string, unknown> {
    const global: Record<string, unknown> = { istioNamespace: a.namespace };
    if (a.hub) {
        global.hub = a.hub;
    }
    if (a.imagePullSecrets.length > 0) {
        global.imagePullSecrets = a.imagePullSecrets;
    }
    return global;
}

export function istiodValues(a: ControlPlaneValuesArgs): Record<string, unknown> {
    const cp = a.controlPlane;
    const global = globalValues(a);
    global.defaultPodDisruptionBudget = { enabled: cp.podDisruptionBudget };
    const values: Record<string, unknown> = {
        global,
        meshConfig: meshConfigValues(a.mesh),
        resources: cp.resources,
        affinity: affinityValues(cp.antiAffinity, a.revision),
        // Start the validation webhook at Fail instead of Ignore: no flip for istiod to make, so no drift,
        // and no window in which invalid Istio config is admitted.
        base: { validationFailurePolicy: "Fail" },
    };
    if (cp.scaling.kind === "fixed") {
        Object.assign(values, { autoscaleEnabled: false, replicaCount: cp.scaling.replicas });
    } else {
        Object.assign(values, {
            autoscaleEnabled: true,
            autoscaleMin: cp.scaling.min,
            autoscaleMax: cp.scaling.max,
            cpu: { targetAverageUtilization: cp.scaling.targetCpu },
        });
    }
    if (a.hub) {
        // The pilot image reads the top-level hub; proxies read global.hub. A private mirror needs both.
        values.hub = a.hub;
    }
    if (a.revision) {
        values.revision = a.revision;
    }
    return mergeValues(mergeValues(values, cniIstiodValues(a.cni)), cp.values);
}

export function baseValues(a: ControlPlaneValuesArgs): Record<string, unknown> {
    // The base chart pulls no images: it has no hub to set.
    const values: Record<string, unknown> = {
        global: globalValues({ ...a, hub: undefined }),
        // The default-revision validator must point at the istiod that actually exists.
        defaultRevision: a.revision ?? "default",
        base: { validationFailurePolicy: "Fail" },
    };
    return mergeValues(values, a.controlPlane.baseValues);
}
