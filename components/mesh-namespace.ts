/**
 * One application namespace in the mesh (seed 000's incremental model: teams opt in namespace by
 * namespace). Creates or adopts the namespace, enrols it with the control plane's injection label, and
 * gives it secure defaults: STRICT mTLS in both directions, default deny with typed allow rules, and
 * optionally a Sidecar that narrows egress to what the namespace declares.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { POD_SECURITY_ENFORCE, PodSecurityLevel } from "../config/cni";
import type { AllowRule, MtlsConfig } from "../config/mesh";
import type { GatewayIdentity as ConfigGatewayIdentity } from "../config/ingress";
import { MESH_DEFAULTS } from "../config/mesh";
import {
    allowsEverything,
    allowsEverythingMessage,
    INJECTION_LABEL_SET,
    injectionLabelsIn,
    PERMISSIVE_NEEDS_MIGRATION,
    permissiveWithoutMigration,
} from "../config/mesh-rules";
import { asResourceError } from "./errors";
import type { ServiceTrafficConfig } from "../config/mesh-traffic";
import { pullSecret, PullSecretArgs } from "./pull-secret";
import { serviceTrafficResources } from "./traffic";

/** The identity of an ingress gateway's pods, for `from: gateway:<role>` rules (config/ingress.ts declares it). */
export type GatewayIdentity = Pick<ConfigGatewayIdentity, "namespace" | "serviceAccount">;

export interface MeshNamespaceArgs {
    /** The control plane's injection label: `istio-injection=enabled` or `istio.io/rev=<revision>`. */
    injectionLabel: { key: string; value: string };
    /** Label an existing namespace instead of creating one; it is never overwritten or deleted. @default false */
    adopt?: boolean;
    /** Extra namespace labels. @default {} */
    labels?: Record<string, string>;
    /** Pod Security level enforced (`pod-security.kubernetes.io/enforce`); absent: no label. @default undefined */
    podSecurity?: PodSecurityLevel;
    /** Pin to a revision or revision tag (`istio.io/rev=<revision>`) instead of the control plane's label. */
    revision?: string;
    /** @default { mode: "STRICT", migration: false } */
    mtls?: MtlsConfig;
    /** SPIFFE trust domain of the principals in allow rules. @default "cluster.local" */
    trustDomain?: string;
    /** ALLOW rules; everything else is denied. @default [] */
    allow?: AllowRule[];
    /** Gateway roles (`external`, `internal`) that `from: gateway:<role>` rules resolve to. @default {} */
    gatewayIdentities?: Readonly<Record<string, GatewayIdentity | undefined>>;
    /** Egress entries for a Sidecar; absent: no Sidecar (the proxies see the whole registry). */
    egress?: string[];
    /** The mesh root namespace, always reachable from a Sidecar-limited namespace. @default "istio-system" */
    rootNamespace?: string;
    /** Traffic rules per service of this namespace. @default {} */
    services?: Record<string, ServiceTrafficConfig>;
    /** A Telemetry spec (from the observability area) applied to the whole namespace. */
    telemetry?: Record<string, unknown>;
    /** Protect a created namespace from deletion (deleting it deletes the applications in it). @default false */
    protect?: boolean;
    /** What every Istio object waits for: the control plane, whose validation webhook must be serving. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** The registry's pull secret, which injected sidecars pull the proxy image with. @default none */
    pullSecret?: PullSecretArgs;
}

/** What an argument left out means. */
export const MESH_NAMESPACE_DEFAULTS = {
    trustDomain: "cluster.local",
    rootNamespace: "istio-system",
} as const;

/** The namespace's labels: the extra labels plus exactly one injection label. */
export function namespaceLabels(name: string, a: Pick<MeshNamespaceArgs, "labels" | "revision" | "injectionLabel" | "podSecurity">): Record<string, string> {
    const labels = a.labels ?? {};
    const set = injectionLabelsIn(labels);
    if (set.length > 0) {
        throw new Error(`${name}: labels.${set[0]} ${INJECTION_LABEL_SET}`);
    }
    const injection = a.revision ? { key: "istio.io/rev", value: a.revision } : a.injectionLabel;
    const podSecurity: Record<string, string> = a.podSecurity ? { [POD_SECURITY_ENFORCE]: a.podSecurity } : {};
    return { ...labels, ...podSecurity, [injection.key]: injection.value };
}

function principal(trustDomain: string, namespace: string, serviceAccount: string): string {
    return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** One AuthorizationPolicy rule; principals and namespaces go in separate sources (fields in one source are ANDed). */
export function authorizationRule(
    name: string,
    index: number,
    rule: AllowRule,
    trustDomain: string,
    gateways: Readonly<Record<string, GatewayIdentity | undefined>>,
): Record<string, unknown> {
    const principals: string[] = [];
    const namespaces: string[] = [];
    for (const s of rule.from) {
        if (s.kind === "principal") {
            principals.push(principal(trustDomain, s.namespace, s.serviceAccount));
        } else if (s.kind === "namespace") {
            namespaces.push(s.namespace);
        } else {
            const gw = gateways[s.gateway];
            if (!gw) {
                const known = Object.keys(gateways).filter((k) => gateways[k]);
                throw new Error(
                    `${name}: allow[${index}].from names gateway:${s.gateway}, which is not configured (configured: ${known.join(", ") || "none"})`,
                );
            }
            principals.push(principal(trustDomain, gw.namespace, gw.serviceAccount));
        }
    }
    const out: Record<string, unknown> = {};
    const from = [...(principals.length ? [{ source: { principals } }] : []), ...(namespaces.length ? [{ source: { namespaces } }] : [])];
    if (from.length > 0) out.from = from;
    const operation: Record<string, string[]> = {};
    if (rule.methods) operation.methods = [...rule.methods];
    if (rule.paths) operation.paths = [...rule.paths];
    if (rule.ports) operation.ports = rule.ports.map(String);
    if (Object.keys(operation).length > 0) out.to = [{ operation }];
    if (allowsEverything(rule)) {
        throw new Error(`${name}: allow[${index}] ${allowsEverythingMessage(rule.to)}`);
    }
    return out;
}

/** ALLOW policies by target workload (`allow-to-<workload>`), plus `allow-in-namespace` for rules without one. */
export function allowPolicies(
    name: string,
    rules: readonly AllowRule[],
    trustDomain: string,
    gateways: Readonly<Record<string, GatewayIdentity | undefined>>,
): { name: string; spec: Record<string, unknown> }[] {
    const byTarget = new Map<string, Record<string, unknown>[]>();
    rules.forEach((rule, i) => {
        const key = rule.to ?? "";
        const list = byTarget.get(key) ?? [];
        list.push(authorizationRule(name, i, rule, trustDomain, gateways));
        byTarget.set(key, list);
    });
    return [...byTarget].map(([to, rs]) => ({
        name: to ? `allow-to-${to}` : "allow-in-namespace",
        spec: { ...(to ? { selector: { matchLabels: { app: to } } } : {}), action: "ALLOW", rules: rs },
    }));
}

/** Sidecar egress hosts: the namespace itself, the root namespace, then what the namespace declares. */
export function sidecarEgressHosts(entries: readonly string[], rootNamespace: string): string[] {
    const hosts = new Set(["./*", `${rootNamespace}/*`]);
    for (const e of entries) {
        hosts.add(e.includes("/") ? e : e.includes(".") ? `*/${e}` : `${e}/*`);
    }
    return [...hosts];
}

/**
 * An enrolled namespace; the component's name is the namespace's name. Every Istio object it registers
 * depends on the namespace and on `args.dependsOn` (the control plane).
 */
export class MeshNamespace extends pulumi.ComponentResource {
    /** The namespace's name (resolves once it exists or is labelled). */
    public readonly namespace: pulumi.Output<string>;
    /** The injection label the namespace carries, `key=value`. */
    public readonly injectionLabel: string;
    /** The effective mTLS mode. */
    public readonly mtlsMode: string;

    constructor(name: string, args: MeshNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:mesh:MeshNamespace", name, {}, opts);
        const mtls = args.mtls ?? MESH_DEFAULTS.mtls;
        if (permissiveWithoutMigration(mtls)) {
            throw new pulumi.ResourceError(`${name}: mtls: ${PERMISSIVE_NEEDS_MIGRATION}`, this);
        }
        const trustDomain = args.trustDomain ?? MESH_NAMESPACE_DEFAULTS.trustDomain;
        // The pure builders throw plain Errors; a component reports them as its own, naming itself.
        const [labels, policies] = asResourceError(this, () => [
            namespaceLabels(name, args),
            allowPolicies(name, args.allow ?? [], trustDomain, args.gatewayIdentities ?? {}),
        ]);

        const metadata = { name, labels };
        const ns = args.adopt
            ? // A patch owns only the fields it sets: the namespace, its other labels and its workloads stay as they are.
              new k8s.core.v1.NamespacePatch(`${name}-namespace`, { metadata }, { parent: this })
            : new k8s.core.v1.Namespace(`${name}-namespace`, { metadata }, { parent: this, protect: args.protect ?? false });
        const dependsOn = [ns, ...(args.dependsOn ?? [])];
        if (args.pullSecret) {
            pullSecret(name, name, args.pullSecret, this, [ns]);
        }
        const childOpts = { parent: this, dependsOn };
        const cr = (role: string, apiVersion: string, kind: string, objName: string, spec: Record<string, unknown>) =>
            new k8s.apiextensions.CustomResource(`${name}-${role}`, { apiVersion, kind, metadata: { name: objName, namespace: name }, spec }, childOpts);

        cr("peer-authentication", "security.istio.io/v1", "PeerAuthentication", "default", { mtls: { mode: mtls.mode } });
        // Clients must send mTLS (seed 001). Not during a migration: pods without a sidecar yet would refuse
        // the handshake, while Istio's auto mTLS sends mTLS exactly to the pods that have one.
        const istioMutual = mtls.mode === "STRICT";
        if (istioMutual) {
            cr("default-mtls", "networking.istio.io/v1", "DestinationRule", "default-mtls", {
                host: `*.${name}.svc.cluster.local`,
                trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } },
            });
        }
        // An ALLOW policy without rules matches nothing: every request not allowed below is denied.
        cr("default-deny", "security.istio.io/v1", "AuthorizationPolicy", "default-deny", {});
        for (const p of policies) {
            cr(p.name, "security.istio.io/v1", "AuthorizationPolicy", p.name, p.spec);
        }
        if (args.egress) {
            cr("sidecar", "networking.istio.io/v1", "Sidecar", "default", {
                egress: [{ hosts: sidecarEgressHosts(args.egress, args.rootNamespace ?? MESH_NAMESPACE_DEFAULTS.rootNamespace) }],
            });
        }
        for (const [service, traffic] of Object.entries(args.services ?? {})) {
            serviceTrafficResources(`${name}-${service}`, { namespace: name, service, traffic, istioMutual, dependsOn }, this);
        }
        if (args.telemetry) {
            cr("telemetry", "telemetry.istio.io/v1", "Telemetry", "default", args.telemetry);
        }

        this.namespace = ns.metadata.name;
        this.injectionLabel = Object.entries(labels)
            .filter(([k]) => k === "istio-injection" || k === "istio.io/rev")
            .map(([k, v]) => `${k}=${v}`)[0];
        this.mtlsMode = mtls.mode;
        this.registerOutputs({ namespace: this.namespace, injectionLabel: this.injectionLabel, mtlsMode: this.mtlsMode });
    }
}
