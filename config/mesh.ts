/**
 * The mesh's security and membership sections: `istio-mesh:mtls` (the mesh-wide mTLS mode),
 * `istio-mesh:namespaces` (the namespaces that opt in, with their authorization rules, egress and
 * service traffic) and `istio-mesh:externalServices` (hosts outside the cluster the mesh may reach).
 * `istio-mesh:outboundTraffic` lives in config.ts: it is the control plane's setting.
 */
import { POD_SECURITY_ENFORCE, readPodSecurity } from "./cni";
import { DNS_NAME, isDnsName } from "../domain/names";
import { DNS_LABEL, DNS_LABEL_HINT, Field, show } from "./field";
import {
    allowsEverythingMessage,
    BOTH_INJECTION_LABELS_SET,
    INJECTION_LABEL_SET,
    injectionLabelsIn,
    PERMISSIVE_NEEDS_MIGRATION,
    permissiveWithoutMigration,
} from "./mesh-rules";
import { readLabels, readMethod } from "./mesh-fields";
import { parseServiceTraffic } from "./mesh-traffic";

export type { MtlsMode, MtlsConfig, AllowSource, AllowRule, NamespaceConfig, ExternalPort, ExternalProtocol, OriginateTls, ExternalServiceConfig };
import type {
    MtlsMode,
    MtlsConfig,
    AllowSource,
    AllowRule,
    NamespaceConfig,
    ExternalPort,
    ExternalProtocol,
    OriginateTls,
    ExternalServiceConfig,
} from "./mesh-types";

export const MESH_DEFAULTS = {
    mtls: { mode: "STRICT", migration: false } satisfies MtlsConfig,
    externalPorts: [{ number: 443, protocol: "TLS" }] satisfies ExternalPort[],
    originateTls: {
        port: 80,
        targetPort: 443,
        // The proxy image's system trust store: public CAs, as a browser would trust.
        caCertificates: "/etc/ssl/certs/ca-certificates.crt",
    },
} as const;

/** Namespaces the mesh must never enrol: Kubernetes' own. */
export const RESERVED_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];

const HOST = DNS_NAME;
const HOST_HINT = "a DNS name such as api.example.com";
const SERVICE_ACCOUNT = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const PATH = /^(\*|\/\S*|\*\S+)$/;

export function parseMtls(f: Field): MtlsConfig {
    if (!f.isSet || typeof f.value === "string") {
        const mode = f.string(MESH_DEFAULTS.mtls.mode, { oneOf: ["STRICT", "PERMISSIVE"] }) as MtlsMode;
        if (mode === "PERMISSIVE") {
            f.problem(permissiveMessage());
        }
        return { mode, migration: false };
    }
    const o = f.object(["mode", "migration"]);
    if (!o) {
        return { ...MESH_DEFAULTS.mtls };
    }
    const mode = o.mode.string(MESH_DEFAULTS.mtls.mode, { oneOf: ["STRICT", "PERMISSIVE"] }) as MtlsMode;
    const migration = o.migration.boolean(false);
    if (permissiveWithoutMigration({ mode, migration })) {
        o.migration.problem(permissiveMessage());
    }
    if (mode === "STRICT" && o.migration.isSet && migration) {
        o.migration.problem("applies only to mode PERMISSIVE: remove it, the migration is over once the mode is STRICT");
    }
    return { mode, migration };
}

function permissiveMessage(): string {
    return PERMISSIVE_NEEDS_MIGRATION;
}

function readSource(f: Field): AllowSource | undefined {
    const text = f.string();
    if (text === undefined) {
        return undefined;
    }
    const gateway = /^gateway:(.*)$/.exec(text);
    if (gateway) {
        return DNS_LABEL.test(gateway[1])
            ? { kind: "gateway", gateway: gateway[1] }
            : f.problem(`must name a gateway role such as gateway:external (got ${show(text)})`);
    }
    const principal = /^([^/]+)\/([^/]+)$/.exec(text);
    if (principal && DNS_LABEL.test(principal[1]) && SERVICE_ACCOUNT.test(principal[2])) {
        return { kind: "principal", namespace: principal[1], serviceAccount: principal[2] };
    }
    if (DNS_LABEL.test(text)) {
        return { kind: "namespace", namespace: text };
    }
    return f.problem(`must be <namespace>, <namespace>/<serviceAccount> or gateway:<role> such as gateway:external (got ${show(text)})`);
}

export function parseAllowRule(f: Field): AllowRule | undefined {
    const o = f.object(["from", "to", "methods", "paths", "ports"]);
    if (!o) {
        return undefined;
    }
    const from = typeof o.from.value === "string" ? [readSource(o.from)] : (o.from.list(readSource, { minItems: 1 }) ?? []);
    const rule: AllowRule = { from: from.filter((s): s is AllowSource => s !== undefined) };
    const to = o.to.string(undefined, { pattern: DNS_LABEL, patternHint: `a workload name (its pods' app label): ${DNS_LABEL_HINT}` });
    if (to) rule.to = to;
    const methods = o.methods.list(readMethod, { minItems: 1 });
    if (methods) rule.methods = methods;
    const paths = o.paths.list((p) => p.string(undefined, { pattern: PATH, patternHint: "a path such as /api, a prefix /api/*, a suffix *.png, or *" }), {
        minItems: 1,
    });
    if (paths) rule.paths = paths;
    const ports = o.ports.list((p) => p.integer(undefined, { min: 1, max: 65535 }), { minItems: 1 });
    if (ports) rule.ports = ports;
    if (!o.from.isSet && !o.methods.isSet && !o.paths.isSet && !o.ports.isSet) {
        return f.problem(allowsEverythingMessage(to));
    }
    return rule;
}

/** Sidecar egress entries: `<namespace>` (all its services), `<namespace>/<host>`, or a registered external host. */
function readEgress(f: Field): string | undefined {
    const entry = f.string();
    if (entry === undefined) {
        return undefined;
    }
    const [ns, host, extra] = entry.split("/");
    const okNs = (n: string) => n === "*" || n === "." || n === "~" || DNS_LABEL.test(n);
    const okHost = (h: string) => h === "*" || isDnsName(h, { wildcard: true });
    const valid = host === undefined ? DNS_LABEL.test(ns) || HOST.test(ns) : extra === undefined && okNs(ns) && okHost(host);
    return valid ? entry : f.problem(`must be a namespace, <namespace>/<host> or an external host such as api.example.com (got ${show(entry)})`);
}

export function parseNamespace(f: Field, name: string): NamespaceConfig | undefined {
    if (!DNS_LABEL.test(name)) {
        return f.problem(`is not a valid namespace name: must be ${DNS_LABEL_HINT}`);
    }
    if (RESERVED_NAMESPACES.includes(name)) {
        return f.problem(`is reserved for Kubernetes itself: its system pods must not get sidecars or mesh policies`);
    }
    const o = f.object(["adopt", "labels", "revision", "mtls", "allow", "egress", "services", "podSecurity"]);
    if (!o) {
        return undefined;
    }
    const labels = readLabels(o.labels) ?? {};
    const injection = injectionLabelsIn(labels);
    if (injection.length === 2) {
        o.labels.problem(BOTH_INJECTION_LABELS_SET);
    } else if (injection.length === 1) {
        o.labels.child(injection[0]).problem(INJECTION_LABEL_SET);
    }
    if (POD_SECURITY_ENFORCE in labels) {
        o.labels
            .child(POD_SECURITY_ENFORCE)
            .problem("is set by the mesh from podSecurity (baseline by default while istio.cni is on): remove it and set podSecurity");
    }
    const services =
        o.services.map((s, svc) => {
            if (!DNS_LABEL.test(svc)) {
                return s.problem(`is not a valid service name: must be ${DNS_LABEL_HINT}`);
            }
            if (svc === "default-mtls") {
                return s.problem("is the name of the namespace's own mTLS DestinationRule: a service of this name cannot have rules of its own");
            }
            return parseServiceTraffic(s, `${svc}.${name}.svc.cluster.local`);
        }) ?? {};
    const config: NamespaceConfig = {
        adopt: o.adopt.boolean(false),
        labels,
        allow: o.allow.list(parseAllowRule) ?? [],
        services,
    };
    const revision = o.revision.string(undefined, { pattern: DNS_LABEL, patternHint: `a revision or revision tag: ${DNS_LABEL_HINT}` });
    if (revision) config.revision = revision;
    if (o.mtls.isSet) config.mtls = parseMtls(o.mtls);
    const egress = o.egress.list(readEgress);
    if (egress) config.egress = egress;
    const podSecurity = readPodSecurity(o.podSecurity);
    if (podSecurity) config.podSecurity = podSecurity;
    return config;
}

export function parseNamespaces(f: Field): Record<string, NamespaceConfig> {
    return f.map(parseNamespace) ?? {};
}

function readPorts(f: Field): ExternalPort[] {
    const seen = new Set<number>();
    const ports = f.list(
        (p) => {
            const o = p.object(["number", "protocol"]);
            if (!o) return undefined;
            const number = o.number.isSet ? o.number.integer(undefined, { min: 1, max: 65535 }) : o.number.problem("is required, e.g. 443");
            const protocol = o.protocol.string("TLS", { oneOf: ["HTTP", "HTTPS", "HTTP2", "GRPC", "TLS", "TCP"] }) as ExternalProtocol;
            if (number === undefined) return undefined;
            if (seen.has(number)) return o.number.problem(`duplicate port ${number}: each port is declared once`);
            seen.add(number);
            return { number, protocol };
        },
        { minItems: 1 },
    );
    return ports ?? MESH_DEFAULTS.externalPorts.map((p) => ({ ...p }));
}

function readOriginateTls(f: Field, hosts: string[], ports: ExternalPort[]): OriginateTls | undefined {
    if (!f.isSet || f.value === false || f.value === "false") {
        return undefined;
    }
    const o =
        f.value === true || f.value === "true" ? undefined : f.object(["port", "targetPort", "caCertificates", "credentialName", "sni", "subjectAltNames"]);
    if (hosts.length !== 1) {
        return f.problem(`verifies one server name, but hosts lists ${hosts.length}: declare one external service per host`);
    }
    const d = MESH_DEFAULTS.originateTls;
    const host = hosts[0];
    const tls: OriginateTls = { port: d.port, targetPort: d.targetPort, sni: host, subjectAltNames: [host] };
    if (o) {
        tls.port = o.port.integer(d.port, { min: 1, max: 65535 });
        tls.targetPort = o.targetPort.integer(d.targetPort, { min: 1, max: 65535 });
        tls.sni = o.sni.string(host, { pattern: HOST, patternHint: HOST_HINT });
        tls.subjectAltNames = o.subjectAltNames.list(
            (s) => s.string(undefined, { pattern: /^(\*\.)?[a-z0-9.-]+$|^spiffe:\/\/\S+$/, patternHint: "a DNS name or a spiffe:// URI" }),
            { minItems: 1 },
        ) ?? [host];
        if (o.caCertificates.isSet && o.credentialName.isSet) {
            o.credentialName.problem("caCertificates and credentialName are mutually exclusive: the CA comes from a file in the proxy or from a Secret");
        }
        const credentialName = o.credentialName.string(undefined, { pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, patternHint: "a Secret name" });
        if (credentialName) tls.credentialName = credentialName;
        const ca = o.caCertificates.string(undefined, { pattern: /^\/\S+$/, patternHint: "an absolute path inside the proxy container" });
        if (ca) tls.caCertificates = ca;
    }
    if (!tls.credentialName) {
        tls.caCertificates ??= d.caCertificates;
    }
    if (ports.some((p) => p.number === tls.port)) {
        f.child("port").problem(`${tls.port} is also declared in ports: the plain-HTTP port that TLS origination listens on must be a port of its own`);
    }
    return tls;
}

export function parseExternalServices(f: Field): Record<string, ExternalServiceConfig> {
    const owners = new Map<string, string>();
    return (
        f.map((e, name) => {
            if (!DNS_LABEL.test(name)) {
                return e.problem(`is not a valid name: must be ${DNS_LABEL_HINT}`);
            }
            const o = e.object(["hosts", "ports", "namespace", "originateTls", "gateway"]);
            if (!o) return undefined;
            if (!o.hosts.isSet) {
                return o.hosts.problem("is required: the DNS names of the service, e.g. [api.example.com]");
            }
            const hosts =
                o.hosts.list(
                    (h) => {
                        const host = h.string();
                        if (host === undefined) return undefined;
                        if (host.includes("*")) return h.problem(`${show(host)} is a wildcard, which DNS resolution cannot resolve: list each host`);
                        if (!HOST.test(host)) return h.problem(`must be ${HOST_HINT} (got ${show(host)})`);
                        if (/\.svc(\.|$)/.test(host)) return h.problem(`${show(host)} is a cluster service, not an external one: remove it`);
                        const owner = owners.get(host);
                        if (owner !== undefined) return h.problem(`${show(host)} is already registered by externalServices.${owner}: register each host once`);
                        owners.set(host, name);
                        return host;
                    },
                    { minItems: 1 },
                ) ?? [];
            const ports = readPorts(o.ports);
            const config: ExternalServiceConfig = { hosts, ports };
            const namespace = o.namespace.string(undefined, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT });
            if (namespace) config.namespace = namespace;
            const originateTls = readOriginateTls(o.originateTls, hosts, ports);
            if (originateTls) config.originateTls = originateTls;
            const gateway = o.gateway.string(undefined, {
                pattern: DNS_LABEL,
                patternHint: "the name of an egress gateway under istio-mesh:gateways, such as egress",
            });
            if (gateway) config.gateway = gateway;
            return config;
        }) ?? {}
    );
}

export { checkGatewaySources, checkMesh, checkPublishedServices } from "./mesh-checks";
