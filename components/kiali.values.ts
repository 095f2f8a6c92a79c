/**
 * Pure functions for Kiali: the kiali-server chart's source and values, and the VirtualService that
 * publishes it on the internal gateway.
 */
import * as path from "path";
import type { KialiConfig } from "../config/observability";
import type { ChartSource } from "../config/istio";
import { mergeValues, type ChartRef } from "./chart-source";
import type { KubeObject } from "./observability.values";

/** Kubernetes Secrets the Kiali server reads (names fixed by the chart's conventions). */
export const KIALI_SECRETS = {
    /** deployment.secret_name: mounted at /kiali-secret; Kiali reads the OpenID client secret from `oidc-secret`. */
    oidc: { name: "kiali", key: "oidc-secret" },
    /** Referenced as secret:<name>:<key>, so the signing key never appears in the ConfigMap. */
    signingKey: { name: "kiali-signing-key", key: "key" },
} as const;
export const KIALI_PORT = 20001;

/** Where helm.v4.Chart finds kiali-server: the repository, an OCI mirror, or `<chartDir>/kiali-server`. */
export function kialiChartRef(source: ChartSource, version: string): ChartRef {
    switch (source.kind) {
        case "repo":
            return { chart: "kiali-server", version, repositoryOpts: { repo: source.url } };
        case "oci":
            return { chart: `${source.url}/kiali-server`, version };
        case "local":
            return { chart: path.join(source.dir, "kiali-server") };
    }
}

export function kialiUrl(kiali: Pick<KialiConfig, "host">): string {
    return `https://${kiali.host}/`;
}

export interface KialiValuesArgs {
    kiali: KialiConfig;
    istioNamespace: string;
    /** The image repository from the stack's registry (`imageRepository(registry, "kiali")`); unset: the chart's quay.io image. */
    image?: string;
    /** Pull secrets of the stack's registry. @default [] */
    pullSecrets?: string[];
}

export function kialiValues({ kiali, istioNamespace, image, pullSecrets = [] }: KialiValuesArgs): Record<string, unknown> {
    const auth =
        kiali.login.kind === "openid"
            ? {
                  strategy: "openid",
                  openid: {
                      client_id: kiali.login.clientId,
                      issuer_uri: kiali.login.issuer,
                      scopes: ["openid", "profile", "email"],
                      username_claim: "preferred_username",
                  },
              }
            : { strategy: "token" };
    const external: Record<string, unknown> = {
        istio: { root_namespace: istioNamespace },
        prometheus: { url: kiali.prometheusUrl },
        grafana: kiali.grafana ? { enabled: true, internal_url: kiali.grafana.url, external_url: kiali.grafana.externalUrl } : { enabled: false },
        tracing: kiali.tracing
            ? // HTTP query APIs (Jaeger's 16686, Tempo's frontend): one URL form for both backends.
              { enabled: true, provider: kiali.tracing.backend, internal_url: kiali.tracing.url, external_url: kiali.tracing.externalUrl, use_grpc: false }
            : { enabled: false },
    };
    const values = {
        auth,
        deployment: {
            instance_name: "kiali",
            replicas: kiali.replicas,
            // The chart's Always re-pulls a pinned tag on every restart; IfNotPresent pulls it once per node.
            image_pull_policy: "IfNotPresent",
            // Published through the internal gateway's VirtualService only.
            ingress: { enabled: false },
            service_type: "ClusterIP",
            ...(image ? { image_name: image } : {}),
            ...(pullSecrets.length > 0 ? { image_pull_secrets: [...pullSecrets] } : {}),
        },
        login_token: { signing_key: `secret:${KIALI_SECRETS.signingKey.name}:${KIALI_SECRETS.signingKey.key}` },
        // A host of its own: served at the root, and OpenID redirects built from the public URL.
        server: { web_root: "/", web_fqdn: kiali.host, web_schema: "https" },
        external_services: external,
    };
    return mergeValues(values, kiali.values);
}

export interface VirtualServiceArgs {
    host: string;
    namespace: string;
    /** `<namespace>/<name>` of the internal Gateway resource. */
    gateway: string;
    clusterDomain: string;
}

export function kialiVirtualService(a: VirtualServiceArgs): KubeObject {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: { name: "kiali", namespace: a.namespace, labels: { "app.kubernetes.io/part-of": "istio-mesh" } },
        spec: {
            hosts: [a.host],
            gateways: [a.gateway],
            http: [{ route: [{ destination: { host: `kiali.${a.namespace}.svc.${a.clusterDomain}`, port: { number: KIALI_PORT } } }] }],
        },
    };
}
