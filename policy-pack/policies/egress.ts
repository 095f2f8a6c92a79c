/** Traffic leaving the mesh: ServiceEntry hosts, TLS origination, the outbound traffic policy. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { GK, destinationRuleTls } from "../lib/istio";
import { arr, ref, str } from "../lib/k8s";
import { isMeshConfigMap, meshConfig } from "../lib/meshconfig";
import { objectPolicy } from "../lib/policy";

/** The CRD's CEL rule on ServiceEntry hosts, Istio egress practice. */
export function serviceEntryWildcardHost(): ResourceValidationPolicy {
    return objectPolicy({
        name: "service-entry-wildcard-host",
        description: "Checks that no ServiceEntry lists the host *.",
        enforcementLevel: "mandatory",
        kinds: [GK.ServiceEntry],
        check: (o, _cfg, report) => {
            arr(o.spec.hosts).forEach((h, i) => {
                if (h === "*") {
                    report(
                        `${ref(o)}: spec.hosts[${i}] is "*"; a ServiceEntry for every host opens egress to the whole internet and the API server rejects it. List the external hosts.`,
                    );
                }
            });
        },
    });
}

/** IST0134 ServiceEntryAddressesRequired. */
export function serviceEntryTcpAddresses(): ResourceValidationPolicy {
    return objectPolicy({
        name: "service-entry-tcp-addresses",
        description: "Checks that a ServiceEntry with TCP (or unnamed-protocol) ports declares addresses.",
        enforcementLevel: "advisory",
        kinds: [GK.ServiceEntry],
        check: (o, _cfg, report) => {
            if (arr(o.spec.addresses).length > 0) return;
            arr(o.spec.ports).forEach((p, i) => {
                const protocol = (str(p?.protocol) ?? "").toUpperCase();
                if (protocol !== "" && protocol !== "TCP") return;
                report(
                    `${ref(o)}: spec.ports[${i}] (port ${p?.number}) is ${protocol || "of unspecified protocol"} and spec.addresses is empty; the sidecar cannot tell these hosts apart on that port, so they share one 0.0.0.0:${p?.number} listener and traffic may reach the wrong host. Declare addresses, use an HTTP/TLS protocol, or turn on DNS address auto-allocation.`,
                );
            });
        },
    });
}

const ORIGINATING = new Set(["SIMPLE", "MUTUAL"]);

/** IST0128 / IST0129 NoServerCertificateVerification (destination and port level). */
export function destinationRuleTlsVerification(): ResourceValidationPolicy {
    return objectPolicy({
        name: "destination-rule-tls-verification",
        description:
            "Checks that a DestinationRule originating TLS (SIMPLE or MUTUAL) verifies the server: caCertificates or a credentialName, sni and subjectAltNames, and no insecureSkipVerify.",
        enforcementLevel: "advisory",
        kinds: [GK.DestinationRule],
        check: (o, _cfg, report) => {
            for (const at of destinationRuleTls(o.spec)) {
                const mode = str(at.tls.mode);
                if (!mode || !ORIGINATING.has(mode)) continue;
                const code = at.portLevel ? "IST0129" : "IST0128";
                if (at.tls.insecureSkipVerify === true) {
                    report(
                        `${ref(o)}: ${at.path}.insecureSkipVerify is true; the proxy accepts any server certificate, so a man in the middle can read the traffic (${code}).`,
                    );
                    continue;
                }
                const missing: string[] = [];
                if (!str(at.tls.caCertificates) && !str(at.tls.credentialName)) missing.push("caCertificates (or credentialName)");
                if (!str(at.tls.sni)) missing.push("sni");
                if (arr(at.tls.subjectAltNames).length === 0) missing.push("subjectAltNames");
                if (missing.length > 0) {
                    report(
                        `${ref(o)}: ${at.path} (mode ${mode}) sets no ${missing.join(", no ")}; without them the proxy cannot pin which server it talks to, so a forged certificate for another name is accepted (${code}).`,
                    );
                }
            }
        },
    });
}

/** Istio egress practice: REGISTRY_ONLY makes unknown destinations fail closed. */
export function outboundTrafficRegistryOnly(): ResourceValidationPolicy {
    return objectPolicy({
        name: "outbound-traffic-registry-only",
        description: "Checks that the mesh config sets outboundTrafficPolicy.mode REGISTRY_ONLY.",
        enforcementLevel: "advisory",
        kinds: [GK.ConfigMap],
        check: (o, _cfg, report) => {
            if (!isMeshConfigMap(o)) return;
            const mesh = meshConfig(o);
            if (!mesh) return;
            const mode = str(mesh.outboundTrafficPolicy?.mode) ?? "ALLOW_ANY";
            if (mode !== "REGISTRY_ONLY") {
                report(
                    `${ref(o)}: data.mesh outboundTrafficPolicy.mode is ${mode}; sidecars pass traffic to any external host, so a compromised workload can exfiltrate freely. Use REGISTRY_ONLY and declare external hosts with ServiceEntries (and enforce egress with a gateway and NetworkPolicy).`,
                );
            }
        },
    });
}
