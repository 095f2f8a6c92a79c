/**
 * The types of the mesh sections (`mtls`, `namespaces`, `externalServices`), apart from their readers so
 * that the cross checks (mesh-checks.ts) and the readers (mesh.ts) share them without an import cycle.
 */
import type { PodSecurityLevel } from "./cni";
import type { ServiceTrafficConfig } from "./mesh-traffic";

export type MtlsMode = "STRICT" | "PERMISSIVE";

/** PERMISSIVE (plaintext accepted) exists only to move workloads into the mesh, and must be declared as such. */
export interface MtlsConfig {
    mode: MtlsMode;
    migration: boolean;
}

/** Who an allow rule admits. */
export type AllowSource =
    /** A workload identity: `<namespace>/<serviceAccount>`. */
    | { kind: "principal"; namespace: string; serviceAccount: string }
    /** Every workload of a namespace: `<namespace>`. */
    | { kind: "namespace"; namespace: string }
    /** An ingress gateway by its role: `gateway:external`, `gateway:internal`. */
    | { kind: "gateway"; gateway: string };

/** One ALLOW rule: sources, and what they may do (no operation: anything). */
export interface AllowRule {
    from: AllowSource[];
    /** The workload (pods labelled `app: <to>`) the rule admits into; absent: every workload of the namespace. */
    to?: string;
    methods?: string[];
    paths?: string[];
    ports?: number[];
}

/** `namespaces.<ns>`: one namespace enrolled in the mesh. */
export interface NamespaceConfig {
    /** The namespace exists already (applications live there): label it, never create, overwrite or delete it. */
    adopt: boolean;
    /** Extra labels for the namespace (not the injection label, which follows the control plane). */
    labels: Record<string, string>;
    /** Pin the namespace to a control-plane revision or revision tag (`istio.io/rev=<revision>`). */
    revision?: string;
    /** The namespace's mTLS mode; absent: the mesh-wide `mtls`. */
    mtls?: MtlsConfig;
    allow: AllowRule[];
    /** Hosts the namespace's sidecars may reach (a Sidecar resource); absent: every host in the registry. */
    egress?: string[];
    services: Record<string, ServiceTrafficConfig>;
    /** Pod Security level enforced on the namespace; absent: baseline while istio.cni is on (config/cni.ts). */
    podSecurity?: PodSecurityLevel;
}

export interface ExternalPort {
    number: number;
    protocol: ExternalProtocol;
}

export type ExternalProtocol = "HTTP" | "HTTPS" | "HTTP2" | "GRPC" | "TLS" | "TCP";

/**
 * The application speaks plain HTTP to `port`; its sidecar opens TLS to `targetPort` and verifies the
 * server's certificate against the CA, with the SNI and subject alternative names given.
 */
export interface OriginateTls {
    port: number;
    targetPort: number;
    /** A CA bundle path inside the proxy; mutually exclusive with credentialName. */
    caCertificates?: string;
    /** A Secret (key `ca.crt`) in the ServiceEntry's namespace holding the CA. */
    credentialName?: string;
    sni: string;
    subjectAltNames: string[];
}

/** `externalServices.<name>`: a host outside the cluster, registered with a ServiceEntry. */
export interface ExternalServiceConfig {
    hosts: string[];
    ports: ExternalPort[];
    /** Where the ServiceEntry lives; absent: the mesh root namespace (visible to every namespace). */
    namespace?: string;
    originateTls?: OriginateTls;
    /** The egress gateway (a key of `gateways`, kind egress) the mesh's traffic to these hosts leaves through. */
    gateway?: string;
}
