/**
 * A host outside the cluster, registered with the mesh: a ServiceEntry (MESH_EXTERNAL, DNS resolution),
 * so it stays reachable under the REGISTRY_ONLY outbound policy and shows up in telemetry by name; and,
 * for TLS origination, a DestinationRule with which the sidecar opens TLS and verifies the server.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ExternalServiceConfig, OriginateTls } from "../config/mesh";

export interface ExternalServiceArgs {
    /** Where the ServiceEntry lives; in the mesh root namespace it is visible to every namespace. */
    namespace: pulumi.Input<string>;
    service: ExternalServiceConfig;
    /** What the objects wait for: the control plane, whose validation webhook must be serving. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The ServiceEntry spec: declared ports, plus the plain-HTTP port that TLS origination listens on. */
export function serviceEntrySpec(s: ExternalServiceConfig): Record<string, unknown> {
    const ports: Record<string, unknown>[] = s.ports.map((p) => ({ number: p.number, name: `${p.protocol.toLowerCase()}-${p.number}`, protocol: p.protocol }));
    if (s.originateTls) {
        ports.push({ number: s.originateTls.port, name: `http-${s.originateTls.port}`, protocol: "HTTP", targetPort: s.originateTls.targetPort });
    }
    return { hosts: [...s.hosts], location: "MESH_EXTERNAL", resolution: "DNS", ports };
}

/** The DestinationRule that originates TLS on the plain port and verifies the server, or undefined. */
export function originationRuleSpec(s: ExternalServiceConfig): Record<string, unknown> | undefined {
    const t = s.originateTls;
    return t && { host: s.hosts[0], trafficPolicy: { portLevelSettings: [{ port: { number: t.port }, tls: originationTls(t) }] } };
}

/** The client TLS settings of an origination: SNI, the names the server must present, and what it is verified against. */
export function originationTls(t: OriginateTls): Record<string, unknown> {
    const tls: Record<string, unknown> = { mode: "SIMPLE", sni: t.sni, subjectAltNames: [...t.subjectAltNames] };
    if (t.credentialName) {
        tls.credentialName = t.credentialName;
    } else {
        tls.caCertificates = t.caCertificates;
    }
    return tls;
}

export class ExternalService extends pulumi.ComponentResource {
    /** The registered hosts. */
    public readonly hosts: string[];

    constructor(name: string, args: ExternalServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:mesh:ExternalService", name, {}, opts);
        if (args.service.originateTls && args.service.hosts.length !== 1) {
            throw new pulumi.ResourceError(`${name}: TLS origination verifies one server name; declare one external service per host`, this);
        }
        const childOpts = { parent: this, dependsOn: args.dependsOn };
        const metadata = { name, namespace: args.namespace };
        new k8s.apiextensions.CustomResource(
            `${name}-service-entry`,
            { apiVersion: "networking.istio.io/v1", kind: "ServiceEntry", metadata, spec: serviceEntrySpec(args.service) },
            childOpts,
        );
        // Routed through an egress gateway, the gateway originates TLS (see egress.values.ts), not the sidecar.
        const dr = args.service.gateway ? undefined : originationRuleSpec(args.service);
        if (dr) {
            new k8s.apiextensions.CustomResource(
                `${name}-destination-rule`,
                { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata, spec: dr },
                childOpts,
            );
        }
        this.hosts = [...args.service.hosts];
        this.registerOutputs({ hosts: this.hosts });
    }
}
