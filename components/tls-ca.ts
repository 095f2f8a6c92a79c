/**
 * Certificate authorities generated with @pulumi/tls. Shared by the mesh's plug-in CA (root and
 * intermediate for istiod) and the internal CA that cert-manager issues gateway certificates from.
 * Private keys only ever leave these functions as Pulumi secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

export type KeyAlgorithm = "RSA" | "ECDSA";

export interface CaSubject {
    commonName: string;
    organization: string;
}

export interface GeneratedCa {
    /** PEM of the CA certificate (public). */
    certPem: pulumi.Output<string>;
    /** PEM of the CA private key, a Pulumi secret. */
    keyPem: pulumi.Output<string>;
}

const CA_USES = ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"];

function privateKey(name: string, algorithm: KeyAlgorithm, opts: pulumi.CustomResourceOptions): tls.PrivateKey {
    return new tls.PrivateKey(name, algorithm === "RSA" ? { algorithm: "RSA", rsaBits: 4096 } : { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
}

/** A self-signed root CA: `${name}-key` and `${name}-cert`. */
export function rootCa(
    name: string,
    args: { subject: CaSubject; algorithm: KeyAlgorithm; validityHours: number },
    opts: pulumi.CustomResourceOptions,
): GeneratedCa {
    const key = privateKey(`${name}-key`, args.algorithm, opts);
    const cert = new tls.SelfSignedCert(
        `${name}-cert`,
        {
            privateKeyPem: key.privateKeyPem,
            subject: args.subject,
            isCaCertificate: true,
            validityPeriodHours: args.validityHours,
            allowedUses: CA_USES,
        },
        opts,
    );
    return { certPem: cert.certPem, keyPem: pulumi.secret(key.privateKeyPem) };
}

/**
 * An intermediate CA signed by `issuer`: `${name}-key`, `${name}-csr`, `${name}-cert`. `pulumi up`
 * replaces it `renewBeforeHours` before it expires.
 */
export function intermediateCa(
    name: string,
    args: { issuer: GeneratedCa; subject: CaSubject; algorithm: KeyAlgorithm; validityHours: number; renewBeforeHours: number; dnsNames?: string[] },
    opts: pulumi.CustomResourceOptions,
): GeneratedCa {
    const key = privateKey(`${name}-key`, args.algorithm, opts);
    const csr = new tls.CertRequest(`${name}-csr`, { privateKeyPem: key.privateKeyPem, subject: args.subject, dnsNames: args.dnsNames }, opts);
    const cert = new tls.LocallySignedCert(
        `${name}-cert`,
        {
            certRequestPem: csr.certRequestPem,
            caCertPem: args.issuer.certPem,
            caPrivateKeyPem: args.issuer.keyPem,
            isCaCertificate: true,
            validityPeriodHours: args.validityHours,
            earlyRenewalHours: args.renewBeforeHours,
            allowedUses: CA_USES,
        },
        opts,
    );
    return { certPem: cert.certPem, keyPem: pulumi.secret(key.privateKeyPem) };
}
