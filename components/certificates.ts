import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AcmeConfig, CertificatesConfig } from "../config/certificates";
import { certificateHosts, GatewayConfig } from "../config/gateways";
import { rootCa } from "./tls-ca";

/** Istio's controller name for Kubernetes Ingress: istiod serves Ingresses whose class names it. */
export const ISTIO_INGRESS_CONTROLLER = "istio.io/ingress-controller";

/** The ACME ClusterIssuer spec: HTTP-01 answered through Istio's ingress class. */
export function acmeIssuerSpec(acme: AcmeConfig, ingressClass: string): Record<string, unknown> {
    return {
        acme: {
            email: acme.email,
            server: acme.server,
            // cert-manager keeps the ACME account key here (in its own namespace); losing it only means re-registering.
            privateKeySecretRef: { name: `${acme.issuerName}-account` },
            solvers: [
                {
                    http01: {
                        ingress: {
                            ingressClassName: ingressClass,
                            // The solver pod runs in the gateway namespace, which is enrolled in the mesh. Kept
                            // out of it, the namespace's authorization policies (written for the gateway) do not
                            // apply to it, and it answers without waiting for a sidecar.
                            podTemplate: { metadata: { labels: { "sidecar.istio.io/inject": "false" } } },
                        },
                    },
                },
            ],
        },
    };
}

/** The Certificate spec for a gateway: its hosts, from its issuer, into the Secret its Gateway names. */
export function gatewayCertificateSpec(g: GatewayConfig, issuerName: string, c: Pick<CertificatesConfig, "duration" | "renewBefore">): Record<string, unknown> {
    return {
        secretName: g.credentialName,
        dnsNames: certificateHosts(g),
        duration: c.duration,
        renewBefore: c.renewBefore,
        // A fresh key at every renewal: a leaked key dies with its certificate.
        privateKey: { rotationPolicy: "Always", algorithm: "ECDSA", size: 256 },
        usages: ["server auth", "digital signature", "key encipherment"],
        issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: issuerName },
    };
}

/** The Certificate spec of the in-cluster internal CA root, signed by its self-signed ClusterIssuer. */
export function clusterRootCaSpec(c: CertificatesConfig, secretName: string): Record<string, unknown> {
    const ca = c.internalCa;
    return {
        isCA: true,
        commonName: `${ca.organization} internal CA`,
        subject: { organizations: [ca.organization] },
        secretName,
        duration: `${ca.validityHours}h`,
        privateKey: ca.algorithm === "ECDSA" ? { algorithm: "ECDSA", size: 256 } : { algorithm: "RSA", size: 4096 },
        issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: `${ca.issuerName}-selfsigned` },
    };
}

interface InternalRoot {
    /** What the CA ClusterIssuer waits for: the Secret or the Certificate that fills it. */
    resource: pulumi.Resource;
    secretName: string;
    /** The root certificate when the stack knows it (`state`); in-cluster roots are read from their Secret. */
    certPem?: pulumi.Output<string>;
}

export interface CertificatesArgs {
    certificates: CertificatesConfig;
    /** The namespace gateway pods read their certificates from, for gateways that name none. */
    gatewayNamespace: pulumi.Input<string>;
    gateways: GatewayConfig[];
    /** Protect the internal CA from deletion: replacing its root invalidates every client certificate. */
    protect: boolean;
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * cert-manager issuers and the gateways' certificates. The ACME ClusterIssuer (Let's Encrypt staging or
 * production) and the IngressClass its HTTP-01 solver uses; the internal CA (root generated with
 * @pulumi/tls, key only as a Pulumi secret in a Secret in cert-manager's namespace, or made by cert-manager
 * itself: `internalCa.root`) and its ClusterIssuer;
 * then one Certificate per gateway, in the namespace the gateway pods read secrets from.
 */
export class Certificates extends pulumi.ComponentResource {
    /** Certificate Secret name per gateway name (gateways with issuer none have none). */
    public readonly secretNames: Record<string, string>;
    /** The ClusterIssuers created. */
    public readonly issuers: string[];
    /** The internal CA certificate (public): clients of the internal gateway trust it. */
    public readonly internalCaCertPem?: pulumi.Output<string>;

    constructor(name: string, args: CertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:ingress:Certificates", name, {}, opts);
        const c = args.certificates;
        const childOpts = { parent: this, dependsOn: args.dependsOn };
        const issuers: Record<string, pulumi.Resource> = {};

        if (c.acme) {
            const ingressClass = new k8s.networking.v1.IngressClass(
                `${name}-ingress-class`,
                { metadata: { name: c.ingressClass }, spec: { controller: ISTIO_INGRESS_CONTROLLER } },
                childOpts,
            );
            issuers.acme = new k8s.apiextensions.CustomResource(
                `${name}-acme`,
                {
                    apiVersion: "cert-manager.io/v1",
                    kind: "ClusterIssuer",
                    metadata: { name: c.acme.issuerName },
                    spec: acmeIssuerSpec(c.acme, c.ingressClass),
                },
                { parent: this, dependsOn: [...args.dependsOn, ingressClass] },
            );
        }

        const needsInternalCa = args.gateways.some((g) => g.issuer === "internal");
        if (needsInternalCa) {
            const caOpts = { ...childOpts, protect: args.protect };
            const ca = c.internalCa.root === "state" ? this.stateRootCa(name, c, caOpts) : this.clusterRootCa(name, c, caOpts, args.dependsOn);
            issuers.internal = new k8s.apiextensions.CustomResource(
                `${name}-internal-ca-issuer`,
                {
                    apiVersion: "cert-manager.io/v1",
                    kind: "ClusterIssuer",
                    metadata: { name: c.internalCa.issuerName },
                    spec: { ca: { secretName: ca.secretName } },
                },
                { parent: this, dependsOn: [...args.dependsOn, ca.resource] },
            );
            this.internalCaCertPem = ca.certPem;
        }

        this.secretNames = {};
        for (const g of args.gateways) {
            if (g.issuer === "none") {
                continue;
            }
            const issuerName = g.issuer === "acme" ? c.acme?.issuerName : c.internalCa.issuerName;
            const issuer = issuers[g.issuer];
            if (!issuerName || !issuer) {
                // The config checks make this unreachable; fail loudly rather than create a dangling reference.
                throw new pulumi.ResourceError(`gateways.${g.name}: issuer ${g.issuer} is not configured`, this);
            }
            new k8s.apiextensions.CustomResource(
                `${name}-${g.name}`,
                {
                    apiVersion: "cert-manager.io/v1",
                    kind: "Certificate",
                    metadata: { name: g.credentialName, namespace: g.namespace ?? args.gatewayNamespace },
                    spec: gatewayCertificateSpec(g, issuerName, c),
                },
                { parent: this, dependsOn: [...args.dependsOn, issuer] },
            );
            this.secretNames[g.name] = g.credentialName;
        }
        this.issuers = [c.acme?.issuerName, needsInternalCa ? c.internalCa.issuerName : undefined].filter((n): n is string => n !== undefined);
        this.registerOutputs({ secretNames: this.secretNames, issuers: this.issuers, internalCaCertPem: this.internalCaCertPem });
    }

    /** The root generated with @pulumi/tls: its key is a secret in the stack's state, copied into a Secret. */
    private stateRootCa(name: string, c: CertificatesConfig, opts: pulumi.CustomResourceOptions): InternalRoot {
        const ca = rootCa(
            `${name}-internal-ca`,
            {
                subject: { commonName: `${c.internalCa.organization} internal CA`, organization: c.internalCa.organization },
                algorithm: c.internalCa.algorithm,
                validityHours: c.internalCa.validityHours,
            },
            opts,
        );
        const resource = new k8s.core.v1.Secret(
            `${name}-internal-ca-secret`,
            {
                metadata: { name: c.internalCa.issuerName, namespace: c.namespace },
                type: "kubernetes.io/tls",
                stringData: { "tls.crt": ca.certPem, "tls.key": ca.keyPem },
            },
            opts,
        );
        return { resource, secretName: c.internalCa.issuerName, certPem: ca.certPem };
    }

    /**
     * The root made by cert-manager in the cluster: a self-signed ClusterIssuer signs a CA Certificate whose key
     * never leaves the cluster. Its Secret has its own name (`<issuer>-root`), so that a stack moving from `state`
     * never deletes a Secret that cert-manager has just written.
     */
    private clusterRootCa(name: string, c: CertificatesConfig, opts: pulumi.CustomResourceOptions, dependsOn: pulumi.Input<pulumi.Resource>[]): InternalRoot {
        const selfSigned = new k8s.apiextensions.CustomResource(
            `${name}-internal-ca-selfsigned`,
            {
                apiVersion: "cert-manager.io/v1",
                kind: "ClusterIssuer",
                metadata: { name: `${c.internalCa.issuerName}-selfsigned` },
                spec: { selfSigned: {} },
            },
            opts,
        );
        const secretName = `${c.internalCa.issuerName}-root`;
        const resource = new k8s.apiextensions.CustomResource(
            `${name}-internal-ca-certificate`,
            {
                apiVersion: "cert-manager.io/v1",
                kind: "Certificate",
                metadata: { name: secretName, namespace: c.namespace },
                spec: clusterRootCaSpec(c, secretName),
            },
            { ...opts, dependsOn: [...dependsOn, selfSigned] },
        );
        return { resource, secretName };
    }
}
