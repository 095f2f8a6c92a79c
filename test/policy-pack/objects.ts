/** Small builders for Kubernetes objects in tests. */
import { Obj } from "../../policy-pack/lib/k8s";

function make(apiVersion: string, kind: string) {
    return (namespace: string, name: string, spec: Obj = {}, metadata: Obj = {}): Obj => ({
        apiVersion,
        kind,
        metadata: { name, namespace, ...metadata },
        spec,
    });
}

export const virtualService = make("networking.istio.io/v1", "VirtualService");
export const destinationRule = make("networking.istio.io/v1", "DestinationRule");
export const gateway = make("networking.istio.io/v1", "Gateway");
export const serviceEntry = make("networking.istio.io/v1", "ServiceEntry");
export const sidecar = make("networking.istio.io/v1", "Sidecar");
export const telemetry = make("telemetry.istio.io/v1", "Telemetry");
export const peerAuthentication = make("security.istio.io/v1", "PeerAuthentication");
export const authorizationPolicy = make("security.istio.io/v1", "AuthorizationPolicy");
export const certificate = make("cert-manager.io/v1", "Certificate");
export const ipAddressPool = make("metallb.io/v1beta1", "IPAddressPool");
export const service = make("v1", "Service");
export const hpa = make("autoscaling/v2", "HorizontalPodAutoscaler");
export const pdb = make("policy/v1", "PodDisruptionBudget");

export function namespace(name: string, labels: Record<string, string> = {}): Obj {
    return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

export function secret(namespace: string, name: string): Obj {
    return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, type: "kubernetes.io/tls", data: {} };
}

/** A Deployment whose pod template carries `podLabels`, with optional pod spec and template metadata extras. */
export function deployment(
    namespace: string,
    name: string,
    podLabels: Record<string, string>,
    podSpec: Obj = {},
    templateMeta: Obj = {},
    labels: Record<string, string> = {},
): Obj {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace, labels },
        spec: {
            selector: { matchLabels: podLabels },
            template: {
                metadata: { labels: podLabels, ...templateMeta },
                spec: { containers: [{ name: "app", image: "registry.example.com/app:1.0.0" }], ...podSpec },
            },
        },
    };
}

/** An HTTPS Gateway server terminating TLS with a credential. */
export function httpsServer(hosts: string[], credentialName?: string, port = 443): Obj {
    return { port: { number: port, name: "https", protocol: "HTTPS" }, hosts, tls: { mode: "SIMPLE", ...(credentialName ? { credentialName } : {}) } };
}
