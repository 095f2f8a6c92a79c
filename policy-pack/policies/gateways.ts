/** Istio Gateways: TLS credentials, wildcard hosts, conflicts. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { parseServerHost } from "../lib/hosts";
import { GK } from "../lib/istio";
import { arr, formatLabels, K8sObject, labelMap, Obj, ref, str } from "../lib/k8s";
import { objectPolicy, stackPolicy, stringList } from "../lib/policy";
import { StackIndex } from "../lib/stack";
import { gatewayHome, selectorsOverlap } from "../lib/workloads";

const TERMINATING = new Set(["SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL"]);

/** A server's credential names (credentialName and credentialNames). */
function credentials(tls: Obj | undefined): string[] {
    if (!tls) return [];
    return [str(tls.credentialName), ...arr(tls.credentialNames).map(str)].filter((c): c is string => !!c);
}

/** True when the server terminates TLS at the gateway with a certificate of its own. */
function terminates(server: Obj): boolean {
    const protocol = (str(server?.port?.protocol) ?? "").toUpperCase();
    const mode = str(server?.tls?.mode) ?? "PASSTHROUGH";
    return (protocol === "HTTPS" || protocol === "TLS") && TERMINATING.has(mode);
}

/** Istio Gateway validation, IST0101/IST0161 (InvalidGatewayCredential). */
export function gatewayTlsCredential(): ResourceValidationPolicy {
    return objectPolicy({
        name: "gateway-tls-credential",
        description:
            "Checks that every HTTPS or TLS Gateway server that terminates TLS (SIMPLE, MUTUAL, OPTIONAL_MUTUAL) names a credential, and that HTTPS servers have TLS settings.",
        enforcementLevel: "mandatory",
        kinds: [GK.Gateway],
        check: (o, _cfg, report) => {
            arr(o.spec.servers).forEach((s, i) => {
                const protocol = (str(s?.port?.protocol) ?? "").toUpperCase();
                if (protocol === "HTTPS" && !s?.tls) {
                    report(
                        `${ref(o)}: spec.servers[${i}] has protocol HTTPS but no tls settings; Istio rejects the server, so port ${s?.port?.number} serves nothing. Set tls.mode and tls.credentialName.`,
                    );
                    return;
                }
                if (!terminates(s)) return;
                const files = str(s.tls.serverCertificate) && str(s.tls.privateKey);
                if (credentials(s.tls).length === 0 && !files) {
                    report(
                        `${ref(o)}: spec.servers[${i}].tls.mode is ${s.tls.mode} but neither tls.credentialName nor serverCertificate/privateKey is set; the gateway has no certificate to present, so TLS handshakes on port ${s?.port?.number} fail.`,
                    );
                }
            });
        },
    });
}

/** Certificates by `namespace|secretName`, and Secrets by name across namespaces (for "wrong namespace" hints). */
function credentialIndex(idx: StackIndex) {
    return idx.memoize("credentials", () => {
        const inNs = new Map<string, K8sObject>();
        const anywhere = new Map<string, K8sObject[]>();
        const add = (ns: string, name: string, o: K8sObject) => {
            if (!inNs.has(`${ns}|${name}`)) inNs.set(`${ns}|${name}`, o);
            const list = anywhere.get(name);
            if (list) list.push(o);
            else anywhere.set(name, [o]);
        };
        for (const s of idx.of(GK.Secret)) add(s.namespace, s.name, s);
        for (const c of idx.of(GK.Certificate)) {
            const secret = str(c.spec.secretName);
            if (secret) add(c.namespace, secret, c);
        }
        return { inNs, anywhere };
    });
}

/** Istio's credentialName rule (Secret in the gateway workload's namespace), cert-manager integration docs. */
export function gatewayCredentialNamespace(): StackValidationPolicy {
    return stackPolicy<{ externalCredentials: string[]; assumeExternalCredentialsExist: boolean }>({
        name: "gateway-credential-namespace",
        description:
            "Checks that each Gateway credentialName has a Secret or cert-manager Certificate (spec.secretName) in the namespace of the gateway workload the Gateway selects.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                externalCredentials: stringList(
                    "Secrets created outside the checked resources (another stack, external-secrets), as namespace/name or namespace/* .",
                ),
                assumeExternalCredentialsExist: {
                    type: "boolean",
                    default: false,
                    description:
                        "Assume a credential exists when no Secret or Certificate of that name is among the checked resources at all (it is still reported when it sits in the wrong namespace).",
                },
            },
        },
        check: (idx, cfg, report) => {
            if (idx.incomplete(GK.Secret) || idx.incomplete(GK.Certificate, ["spec.secretName"])) return;
            const creds = credentialIndex(idx);
            forEachCredential(idx, ({ gw, server: s, index: i, name, ns, home }) => {
                if (creds.inNs.has(`${ns}|${name}`)) return;
                if (cfg.externalCredentials.some((e) => e === `${ns}/${name}` || e === `${ns}/*`)) return;
                const elsewhere = creds.anywhere.get(name) ?? [];
                // The gateway pods are not among the checked resources, so their namespace is a guess: a
                // credential of that name in another namespace may well be next to them.
                if (!home.found && elsewhere.length > 0) return;
                if (elsewhere.length === 0 && cfg.assumeExternalCredentialsExist) return;
                const where =
                    elsewhere.length > 0
                        ? `it exists only as ${elsewhere.slice(0, 3).map(ref).join(", ")}`
                        : "no Secret or Certificate (spec.secretName) of that name is among the checked resources";
                report(
                    gw,
                    `${ref(gw)}: spec.servers[${i}].tls credentialName "${name}" must be in namespace ${ns} (${home.how}), but ${where}; the gateway cannot load the certificate and TLS handshakes on port ${s?.port?.number} fail.`,
                );
            });
        },
    });
}

/** Istio security best practice: avoid overly broad hosts on TLS servers. */
export function gatewayHttpsWildcardHost(): ResourceValidationPolicy {
    return objectPolicy({
        name: "gateway-https-wildcard-host",
        description: "Checks that no Gateway server on an HTTPS port (protocol HTTPS or port 443) accepts the host *.",
        enforcementLevel: "mandatory",
        kinds: [GK.Gateway],
        check: (o, _cfg, report) => {
            arr(o.spec.servers).forEach((s, i) => {
                const protocol = (str(s?.port?.protocol) ?? "").toUpperCase();
                if (protocol !== "HTTPS" && s?.port?.number !== 443) return;
                arr(s?.hosts).forEach((h, j) => {
                    if (typeof h === "string" && parseServerHost(h, o.namespace).host === "*") {
                        report(
                            `${ref(o)}: spec.servers[${i}].hosts[${j}] is "${h}" on HTTPS port ${s?.port?.number}; the server accepts any SNI name, so a VirtualService in any permitted namespace can claim any hostname, and no certificate covers them all. List the hostnames served.`,
                        );
                    }
                });
            });
        },
    });
}

/** Protocols whose servers on one port Istio merges into one route table (routes of both Gateways apply). */
const MERGED = new Set(["HTTP", "HTTP2", "GRPC"]);
/** Protocols without SNI or Host: every server on the port shares one listener whatever its hosts. */
const HOSTLESS = new Set(["TCP", "MONGO", "REDIS", "MYSQL"]);

interface ServerAt {
    gw: K8sObject;
    index: number;
    protocol: string;
    selector: Record<string, string>;
    hosts: Set<string>;
}

/**
 * IST0145 ConflictingGateways, as the gateway applies it: two servers conflict when their Gateways select a
 * common gateway pod (label logic when the pods are not among the checked resources), on the same port, for
 * the same host (any host for TCP). Plain HTTP servers are merged, not dropped; a wildcard and a more specific
 * host on a TLS port are both kept (the most specific SNI match wins).
 */
export function gatewayConflict(): StackValidationPolicy {
    return stackPolicy({
        name: "gateway-conflict",
        description: "Checks that no two Gateways selecting a common gateway workload declare TLS or TCP servers for the same port and host.",
        enforcementLevel: "mandatory",
        check: (idx, _cfg, report) => {
            // Servers by `port|host` (and `port|` for host-less protocols): only servers sharing a key are compared.
            const groups = new Map<string, ServerAt[]>();
            for (const gw of idx.of(GK.Gateway)) {
                if (gw.unknown) continue;
                const selector = labelMap(gw.spec.selector);
                arr(gw.spec.servers).forEach((s, index) => {
                    const protocol = (str(s?.port?.protocol) ?? "").toUpperCase();
                    const hosts = new Set(
                        arr(s?.hosts)
                            .filter((h): h is string => typeof h === "string")
                            .map((h) => parseServerHost(h, gw.namespace).host),
                    );
                    const at = { gw, index, protocol, selector, hosts };
                    const keys = HOSTLESS.has(protocol) ? [""] : [...hosts];
                    for (const h of keys) {
                        const key = `${s?.port?.number}|${h}`;
                        const list = groups.get(key);
                        if (list) list.push(at);
                        else groups.set(key, [at]);
                    }
                });
            }
            const reported = new Set<string>();
            for (const [key, list] of groups) {
                if (list.length < 2) continue;
                const [port, host] = key.split("|");
                for (const a of list) {
                    const others = list.filter(
                        (b) => b.gw !== a.gw && !(MERGED.has(a.protocol) && MERGED.has(b.protocol)) && selectorsOverlap(idx, a.selector, b.selector),
                    );
                    if (others.length === 0) continue;
                    const id = `${a.gw.urn}|${a.index}|${others.map((o) => o.gw.urn).join(",")}`;
                    if (reported.has(id)) continue;
                    reported.add(id);
                    const names = [...new Set(others.map((o) => `${ref(o.gw)} (selector ${formatLabels(o.selector)})`))].join(", ");
                    const what = host === "" ? `${a.protocol} port ${port}` : `port ${port} and host ${host}`;
                    report(
                        a.gw,
                        `${ref(a.gw)}: spec.servers[${a.index}] (selector ${formatLabels(a.selector)}) claims ${what}, also claimed by ${names} on the same gateway pods; the gateway keeps only one server for them, so the other's TLS settings and routes are ignored.`,
                    );
                }
            }
        },
    });
}

/** IST0138 GatewayDuplicateCertificate, for Gateways that select a common gateway pod. */
export function gatewayDuplicateCertificate(): StackValidationPolicy {
    return stackPolicy({
        name: "gateway-duplicate-certificate",
        description: "Checks that one TLS credential is not used by several Gateways of the same workload.",
        enforcementLevel: "advisory",
        check: (idx, _cfg, report) => {
            const groups = new Map<string, K8sObject[]>();
            for (const gw of idx.of(GK.Gateway)) {
                const names = new Set(
                    arr(gw.spec.servers)
                        .filter(terminates)
                        .flatMap((s) => credentials(s.tls)),
                );
                for (const n of names) {
                    const list = groups.get(n);
                    if (list) list.push(gw);
                    else groups.set(n, [gw]);
                }
            }
            for (const [name, list] of groups) {
                if (list.length < 2) continue;
                // One finding per group of Gateways sharing pods, on the first of them (as istioctl reports it).
                const sorted = [...list].sort((a, b) => ref(a).localeCompare(ref(b)));
                const done = new Set<K8sObject>();
                for (const gw of sorted) {
                    if (done.has(gw)) continue;
                    const sel = labelMap(gw.spec.selector);
                    const others = sorted.filter((g) => g !== gw && !done.has(g) && selectorsOverlap(idx, sel, labelMap(g.spec.selector)));
                    if (others.length === 0) continue;
                    done.add(gw);
                    others.forEach((g) => done.add(g));
                    report(
                        gw,
                        `${ref(gw)}: credential "${name}" is also used by ${others.map(ref).join(", ")}; HTTP/2 clients reuse one connection for every host of the certificate and get 404s from the Gateway that does not route them. Merge the servers or use distinct certificates.`,
                    );
                }
            }
        },
    });
}

/** A TLS name covers a host: equal, or `*.x` over exactly one more label (RFC 6125). */
function tlsCovers(name: string, host: string): boolean {
    const n = name.toLowerCase();
    if (n === host) return true;
    if (!n.startsWith("*.")) return false;
    const dot = host.indexOf(".");
    return dot > 0 && host.slice(dot) === n.slice(1);
}

/** cert-manager integration: Gateway hosts must be in the Certificate's dnsNames. */
export function gatewayCertificateDnsNames(): StackValidationPolicy {
    return stackPolicy({
        name: "gateway-certificate-dns-names",
        description: "Checks that every host of a TLS Gateway server is among the dnsNames of the cert-manager Certificate behind its credentialName.",
        enforcementLevel: "advisory",
        check: (idx, _cfg, report) => {
            const creds = credentialIndex(idx);
            forEachCredential(idx, ({ gw, server: s, index: i, name, ns }) => {
                const cert = creds.inNs.get(`${ns}|${name}`);
                if (!cert || cert.gk !== GK.Certificate || cert.unknown) return;
                const dnsNames = arr(cert.spec.dnsNames).filter((d): d is string => typeof d === "string");
                arr(s.hosts).forEach((h, j) => {
                    if (typeof h !== "string") return;
                    const host = parseServerHost(h, gw.namespace).host;
                    if (host === "*" || dnsNames.some((d) => tlsCovers(d, host))) return;
                    report(
                        gw,
                        `${ref(gw)}: spec.servers[${i}].hosts[${j}] ${host} is not among the dnsNames of ${ref(cert)} (${dnsNames.join(", ") || "none"}); clients reject the certificate with a name mismatch.`,
                    );
                });
            });
        },
    });
}

/**
 * Visits every credential a TLS-terminating Gateway server names, once per namespace its workload may
 * read it from (the gateway pods' namespace, or the Gateway's own when no workload is found).
 */
function forEachCredential(
    idx: StackIndex,
    visit: (ref: { gw: K8sObject; server: Obj; index: number; name: string; ns: string; home: ReturnType<typeof gatewayHome> }) => void,
): void {
    for (const gw of idx.of(GK.Gateway)) {
        const servers = arr(gw.spec.servers);
        if (!servers.some(terminates)) continue;
        const home = gatewayHome(idx, gw);
        servers.forEach((server, index) => {
            if (!terminates(server)) return;
            for (const name of credentials(server.tls)) {
                for (const ns of home.namespaces) {
                    visit({ gw, server, index, name, ns, home });
                }
            }
        });
    }
}
