import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { ChartSource } from "../config/istio";

/** The official Istio charts this project installs, by their names in Istio's chart repository. */
export type IstioChart = "base" | "istiod" | "gateway" | "cni";

/** The `chart`, `version` and `repositoryOpts` inputs of a `helm.v4.Chart`. */
export interface ChartRef {
    chart: string;
    version?: string;
    repositoryOpts?: { repo: string };
}

/**
 * Where `helm.v4.Chart` finds one of Istio's charts. Repository and OCI sources are pinned to the
 * configured version; a local directory holds exactly one version, which the config loader checks.
 */
export function chartRef(source: ChartSource, name: IstioChart, version: string): ChartRef {
    switch (source.kind) {
        case "repo":
            return { chart: name, version, repositoryOpts: { repo: source.url } };
        case "oci":
            return { chart: `${source.url}/${name}`, version };
        case "local":
            // Kept relative (as configured) so the recorded input is the same on every machine.
            return { chart: path.join(source.dir, name) };
    }
}

const CRD_TYPE = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";
const WEBHOOK_TYPES = new Set([
    "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration",
    "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration",
]);

/**
 * Keeps the Istio CRDs when the chart is removed or the stack destroyed: deleting a CRD deletes every
 * object of its kind in the cluster, i.e. all of the mesh's routing and security configuration.
 */
export function retainCrds(protect: boolean): pulumi.ResourceTransform {
    return (args) => (args.type === CRD_TYPE ? { props: args.props, opts: pulumi.mergeOptions(args.opts, { retainOnDelete: true, protect }) } : undefined);
}

/**
 * istiod owns two fields of its webhook configurations at run time: it injects `caBundle` and flips
 * `failurePolicy` once its webhook serves. Ignoring them keeps previews clean after the first `up`.
 */
export const WEBHOOK_RUNTIME_FIELDS = ["webhooks[*].clientConfig.caBundle", "webhooks[*].failurePolicy"];

export const ignoreWebhookRuntimeFields: pulumi.ResourceTransform = (args) =>
    WEBHOOK_TYPES.has(args.type) ? { props: args.props, opts: pulumi.mergeOptions(args.opts, { ignoreChanges: WEBHOOK_RUNTIME_FIELDS }) } : undefined;

/** Deep merge for Helm values: objects merge key by key, anything else (lists included) is replaced. */
export function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) {
        const current = out[key];
        out[key] = isPlainObject(current) && isPlainObject(value) ? mergeValues(current, value) : value;
    }
    return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
