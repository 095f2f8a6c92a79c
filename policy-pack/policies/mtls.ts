/** Mutual TLS between workloads: PeerAuthentication and DestinationRule TLS. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { covers, DEFAULT_CLUSTER_DOMAIN, HostMap, isClusterLocal, isWildcard, resolveHost, splitServiceHost } from "../lib/hosts";
import { GK, destinationRuleTls, injectionEnabled } from "../lib/istio";
import { arr, ref, str } from "../lib/k8s";
import { StackIndex } from "../lib/stack";
import { clusterDomainOption, objectPolicy, stackPolicy, stringList } from "../lib/policy";

const WEAK_MODES = new Set(["DISABLE", "PERMISSIVE"]);

/** IST best practice, Kyverno `enforce-strict-mtls`, the CRD's portLevelMtls rule. */
export function peerAuthenticationStrictMtls(): ResourceValidationPolicy {
    return objectPolicy<{ exemptNamespaces: string[] }>({
        name: "peer-authentication-strict-mtls",
        description:
            "Checks that PeerAuthentication never weakens mTLS (DISABLE or PERMISSIVE, at the top level or in portLevelMtls) and that portLevelMtls comes with a workload selector.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                exemptNamespaces: stringList("Namespaces in a migration window where PERMISSIVE is accepted (DISABLE never is)."),
            },
        },
        kinds: [GK.PeerAuthentication],
        check: (o, cfg, report) => {
            const exempt = cfg.exemptNamespaces.includes(o.namespace);
            const weak = (mode: string | undefined) => mode !== undefined && WEAK_MODES.has(mode) && !(exempt && mode === "PERMISSIVE");
            const topMode = str(o.spec.mtls?.mode);
            if (weak(topMode)) {
                report(
                    `${ref(o)}: spec.mtls.mode is ${topMode}; the workloads it covers accept plaintext, so any pod can reach them without a verified identity and AuthorizationPolicy principals cannot be enforced. Use STRICT.`,
                );
            }
            const ports = o.spec.portLevelMtls;
            if (ports && typeof ports === "object") {
                for (const [port, v] of Object.entries(ports as Record<string, any>)) {
                    const mode = str(v?.mode);
                    if (weak(mode)) {
                        report(
                            `${ref(o)}: spec.portLevelMtls.${port}.mode is ${mode}; port ${port} accepts plaintext even though the rest of the workload is strict. Use STRICT or drop the port entry.`,
                        );
                    }
                }
                const labels = o.spec.selector?.matchLabels;
                if (Object.keys(ports).length > 0 && (!labels || Object.keys(labels).length === 0)) {
                    report(
                        `${ref(o)}: spec.portLevelMtls is set without spec.selector.matchLabels; Istio applies port-level mTLS only to a selected workload, so the API server rejects this policy and the intended port settings never take effect.`,
                    );
                }
            }
        },
    });
}

/** Google ASM `AsmPeerAuthnMeshStrictMtls`, Istio security best practice. */
export function meshWideStrictMtls(): StackValidationPolicy {
    return stackPolicy<{ rootNamespace: string }>({
        name: "mesh-wide-strict-mtls",
        description: "Checks that the root namespace holds a selector-less PeerAuthentication with mode STRICT, so mTLS is the mesh default.",
        enforcementLevel: "advisory",
        configSchema: {
            properties: {
                rootNamespace: { type: "string", default: "istio-system", description: "Istio's root namespace (meshConfig.rootNamespace)." },
            },
        },
        check: (idx, cfg, report) => {
            // Only judge a stack that installs the control plane: its root Namespace is among the resources.
            const root = idx.get(GK.Namespace, "", cfg.rootNamespace);
            if (!root || idx.incomplete(GK.PeerAuthentication, ["spec"])) return;
            const strict = idx.in(GK.PeerAuthentication, cfg.rootNamespace).some((pa) => !pa.spec.selector && str(pa.spec.mtls?.mode) === "STRICT");
            if (!strict) {
                report(
                    root,
                    `${ref(root)}: no PeerAuthentication without selector and with spec.mtls.mode STRICT in the root namespace; the mesh default stays PERMISSIVE, so every workload without its own policy accepts plaintext.`,
                );
            }
        },
    });
}

/** Kyverno `enforce-tls-hosts-host-subnets`, Google ASM `DestinationRuleTLSEnabled`. */
export function destinationRuleTlsNotDisabled(): StackValidationPolicy {
    return stackPolicy<{ clusterDomain: string; exemptHosts: string[] }>({
        name: "destination-rule-tls-not-disabled",
        description: "Checks that no DestinationRule sets tls.mode DISABLE for a host inside the mesh (a cluster service or a MESH_INTERNAL ServiceEntry).",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                clusterDomain: clusterDomainOption,
                exemptHosts: stringList(
                    "Resolved hosts (wildcards allowed) that may be reached without TLS, e.g. a legacy plaintext service outside the mesh.",
                ),
            },
        },
        check: (idx, cfg, report) => {
            const domain = cfg.clusterDomain || DEFAULT_CLUSTER_DOMAIN;
            const internal = idx.memoize(`mesh-internal-se-hosts|${domain}`, () => {
                const m = new HostMap<true>();
                for (const se of idx.of(GK.ServiceEntry)) {
                    if (str(se.spec.location) !== "MESH_INTERNAL") continue;
                    for (const h of arr<string>(se.spec.hosts)) if (typeof h === "string") m.add(resolveHost(h, se.namespace, domain), true);
                }
                return m;
            });
            const inMesh = (h: string) => isClusterLocal(h, domain) || (isWildcard(h) && covers(h, `x.y.svc.${domain}`)) || internal.intersecting(h).length > 0;
            for (const dr of idx.of(GK.DestinationRule)) {
                const hostText = str(dr.spec.host);
                if (!hostText) continue;
                const host = resolveHost(hostText, dr.namespace, domain);
                if (!inMesh(host) || cfg.exemptHosts.some((e) => covers(e.toLowerCase(), host)) || outsideMesh(idx, host, domain)) continue;
                for (const at of destinationRuleTls(dr.spec)) {
                    if (str(at.tls.mode) === "DISABLE") {
                        report(
                            dr,
                            `${ref(dr)}: ${at.path}.mode is DISABLE for ${host}, a host inside the mesh; sidecars send this traffic in plaintext, and a server requiring STRICT mTLS rejects it. Use ISTIO_MUTUAL or remove the tls block.`,
                        );
                    }
                }
            }
        },
    });
}

/**
 * True when a cluster host's namespace is among the resources and runs no proxies (no injection, not ambient):
 * its servers accept only plaintext, so DISABLE is what reaching them takes.
 */
function outsideMesh(idx: StackIndex, host: string, domain: string): boolean {
    const svc = splitServiceHost(host, domain);
    const ns = svc && idx.get(GK.Namespace, "", svc.namespace);
    if (!ns || ns.unknown) return false;
    return !injectionEnabled(ns) && ns.labels["istio.io/dataplane-mode"] !== "ambient";
}
