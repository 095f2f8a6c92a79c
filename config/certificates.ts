/**
 * `istio-mesh:certificates`: where gateway certificates come from. cert-manager (installed by the
 * platform, seed 000) issues them: from Let's Encrypt over ACME HTTP-01 for the external gateway, and
 * from an internal CA, whose root this stack generates, for the internal gateway's mutual TLS.
 */
import { parseDuration as parseGoDuration } from "../domain/duration";
import { DNS_LABEL, DNS_LABEL_HINT, Field } from "./field";

export type AcmeEnvironment = "staging" | "production";

export interface AcmeConfig {
    /** Let's Encrypt sends expiry and account notices here; it is required to register an account. */
    email: string;
    environment: AcmeEnvironment;
    /** The ACME directory URL (Let's Encrypt's for the environment unless set). */
    server: string;
    /** The ClusterIssuer's name: `letsencrypt-<environment>`. */
    issuerName: string;
}

/**
 * Where the internal CA's root key lives. `state`: generated with @pulumi/tls, kept as a secret in the stack's
 * state (survives the cluster) and written to a Secret; `cert-manager`: a self-signed ClusterIssuer signs a CA
 * Certificate, so the key exists only in the cluster and the stack needs no tls provider.
 */
export type InternalCaRoot = "state" | "cert-manager";

export interface InternalCaConfig {
    root: InternalCaRoot;
    organization: string;
    algorithm: "RSA" | "ECDSA";
    validityHours: number;
    /** The ClusterIssuer's name, and the name of the Secret holding the CA in cert-manager's namespace. */
    issuerName: string;
}

export interface CertificatesConfig {
    /** cert-manager's namespace: a ClusterIssuer reads its CA Secret from there. */
    namespace: string;
    acme?: AcmeConfig;
    internalCa: InternalCaConfig;
    /** Certificate lifetime and how long before expiry cert-manager renews, as Go durations (2160h). */
    duration: string;
    renewBefore: string;
    /** The Ingress class cert-manager's HTTP-01 solver uses; istiod serves Ingresses of this class. */
    ingressClass: string;
}

export const LETS_ENCRYPT: Record<AcmeEnvironment, string> = {
    staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
    production: "https://acme-v02.api.letsencrypt.org/directory",
};

export const CERTIFICATES_DEFAULTS = {
    namespace: "cert-manager",
    acmeEnvironment: "staging" as AcmeEnvironment,
    internalCa: {
        root: "state" as InternalCaRoot,
        organization: "istio-mesh",
        algorithm: "ECDSA" as const,
        validityHours: 87600,
        issuerName: "istio-mesh-internal-ca",
    },
    // Let's Encrypt's own lifetime (90 days), renewed with a month to spare.
    duration: "2160h",
    renewBefore: "720h",
    ingressClass: "istio",
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DURATION_HINT = "a duration in hours, minutes and seconds such as 2160h or 90m";

/** Seconds in a Go duration (cert-manager's durations are Go's `metav1.Duration`); NaN when the text is not one. */
export function durationSeconds(text: string): number {
    return (parseGoDuration(text) ?? NaN) / 1e9;
}

export function parseCertificates(f: Field): CertificatesConfig | undefined {
    const o = f.object(["namespace", "acme", "internalCa", "duration", "renewBefore", "ingressClass"]);
    if (!o) {
        return undefined;
    }
    const d = CERTIFICATES_DEFAULTS;
    const duration = parseDuration(o.duration, d.duration);
    const renewBefore = parseDuration(o.renewBefore, d.renewBefore);
    // cert-manager's own limits: a certificate lives at least an hour and renews at least 5 minutes early.
    if (durationSeconds(duration) < 3600) {
        o.duration.problem(`must be at least 1h, cert-manager's minimum (got ${JSON.stringify(duration)})`);
    }
    if (durationSeconds(renewBefore) < 300) {
        o.renewBefore.problem(`must be at least 5m, cert-manager's minimum (got ${JSON.stringify(renewBefore)})`);
    } else if (durationSeconds(renewBefore) >= durationSeconds(duration)) {
        o.renewBefore.problem(`must be shorter than duration (${duration}), or cert-manager would renew continuously`);
    }
    return {
        namespace: o.namespace.string(d.namespace, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT }),
        acme: o.acme.isSet ? parseAcme(o.acme) : undefined,
        internalCa: parseInternalCa(o.internalCa),
        duration,
        renewBefore,
        ingressClass: o.ingressClass.string(d.ingressClass, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT }),
    };
}

function parseDuration(f: Field, fallback: string): string {
    const text = f.string(fallback);
    return parseGoDuration(text) === undefined ? (f.problem(`must be ${DURATION_HINT} (got ${JSON.stringify(text)})`), fallback) : text;
}

function parseAcme(f: Field): AcmeConfig | undefined {
    const o = f.object(["email", "environment", "server"]);
    if (!o) {
        return undefined;
    }
    if (!o.email.isSet) {
        o.email.problem("required: Let's Encrypt registers the ACME account to an email address and sends expiry warnings there");
    }
    const email = o.email.string("", { pattern: EMAIL, patternHint: "an email address such as platform@example.com" });
    const environment = o.environment.string(CERTIFICATES_DEFAULTS.acmeEnvironment, { oneOf: ["staging", "production"] }) as AcmeEnvironment;
    const server = o.server.string(LETS_ENCRYPT[environment], {
        pattern: /^https:\/\/[^\s/]+(\/\S*)?$/,
        patternHint: "an https:// ACME directory URL",
    });
    return { email, environment, server, issuerName: `letsencrypt-${environment}` };
}

function parseInternalCa(f: Field): InternalCaConfig {
    const d = CERTIFICATES_DEFAULTS.internalCa;
    const o = f.object(["root", "organization", "algorithm", "validityHours"]);
    if (!o) {
        return { ...d };
    }
    return {
        root: o.root.string(d.root, { oneOf: ["state", "cert-manager"] }) as InternalCaRoot,
        organization: o.organization.string(d.organization, { pattern: /\S/, patternHint: "a non-empty organisation name" }),
        algorithm: o.algorithm.string(d.algorithm, { oneOf: ["RSA", "ECDSA"] }) as "RSA" | "ECDSA",
        validityHours: o.validityHours.integer(d.validityHours, { min: 24 }),
        issuerName: d.issuerName,
    };
}
