/**
 * The listeners of an ingress gateway (`gateways.<name>.ports`): HTTP, HTTPS (SIMPLE or MUTUAL), TLS
 * passthrough routed by SNI, and plain TCP. TCP and passthrough ports carry their one destination (`to`),
 * since no HTTP route can reach them.
 */
import { Field, show } from "./field";
import { parseIp } from "./ip";

export type PortProtocol = "HTTP" | "HTTPS" | "TLS" | "TCP";
export type ServerTlsMode = "SIMPLE" | "MUTUAL";

export interface GatewayPort {
    number: number;
    /** The Gateway server's port name, also the Service port's name. */
    name: string;
    protocol: PortProtocol;
    /** HTTPS only: SIMPLE (server TLS) or MUTUAL (clients present a certificate of the internal CA). */
    tls?: ServerTlsMode;
    /** HTTP only: answer every request with a redirect to HTTPS. */
    httpsRedirect?: boolean;
    /** The hosts the port serves; absent: the gateway's hosts (HTTP, HTTPS) or any (TCP). */
    hosts?: string[];
    /** TCP and TLS passthrough: where the gateway forwards the connection. */
    to?: { service: string; port: number };
}

/** Ports the gateway's own proxy listens on: a server there would collide with Envoy's admin, status or metrics. */
export const RESERVED_PORTS = [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090];

const HOST = /^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SERVICE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

export function portName(p: Pick<GatewayPort, "number" | "protocol">): string {
    return `${p.protocol.toLowerCase()}-${p.number}`;
}

export function parsePorts(f: Field, defaultTls: ServerTlsMode): GatewayPort[] | undefined {
    const ports = f.list((p) => parsePort(p, defaultTls), { minItems: 1 });
    if (!ports) {
        return undefined;
    }
    const seen = new Map<number, number>();
    const names = new Map<string, number>();
    ports.forEach((p, i) => {
        if (seen.has(p.number)) {
            f.child(i)
                .child("number")
                .problem(`${p.number} is already ports[${seen.get(p.number)}]: one port number carries one server; put both hosts on one port`);
        }
        seen.set(p.number, i);
        if (names.has(p.name)) {
            f.child(i)
                .child("name")
                .problem(`${show(p.name)} is already the name of ports[${names.get(p.name)}]: Service port names must be unique`);
        }
        names.set(p.name, i);
    });
    return ports;
}

function parsePort(f: Field, defaultTls: ServerTlsMode): GatewayPort | undefined {
    const o = f.object(["number", "protocol", "name", "tls", "httpsRedirect", "hosts", "to"]);
    if (!o) {
        return undefined;
    }
    if (!o.number.isSet) {
        o.number.problem("required: the port the gateway's Service and pods listen on, e.g. 443");
    }
    if (!o.protocol.isSet) {
        o.protocol.problem("required: one of HTTP, HTTPS, TLS (passthrough by SNI), TCP");
    }
    const number = o.number.integer(undefined, { min: 1, max: 65535 });
    const protocol = o.protocol.string(undefined, { oneOf: ["HTTP", "HTTPS", "TLS", "TCP"] }) as PortProtocol | undefined;
    if (number === undefined || protocol === undefined) {
        return undefined;
    }
    if (RESERVED_PORTS.includes(number)) {
        o.number.problem(`${number} is reserved by the gateway's Envoy proxy (${RESERVED_PORTS.join(", ")}); pick another port`);
    }
    const port: GatewayPort = {
        number,
        protocol,
        name: o.name.string(portName({ number, protocol }), {
            pattern: /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/,
            patternHint: "a port name: lowercase letters, digits and '-', at most 15 characters",
        }),
    };
    if (protocol === "HTTPS") {
        port.tls = o.tls.string(defaultTls, { oneOf: ["SIMPLE", "MUTUAL"] }) as ServerTlsMode;
    } else if (o.tls.isSet) {
        o.tls.problem(
            `applies to HTTPS ports only (this port is ${protocol}${protocol === "TLS" ? ", passed through to the backend, which terminates TLS" : ""})`,
        );
    }
    if (o.httpsRedirect.isSet) {
        if (protocol !== "HTTP") {
            o.httpsRedirect.problem(`applies to HTTP ports only (this port is ${protocol})`);
        } else if (o.httpsRedirect.boolean(false)) {
            port.httpsRedirect = true;
        }
    }
    const hosts = parsePortHosts(o.hosts, protocol);
    if (hosts) {
        port.hosts = hosts;
    }
    if (protocol === "TCP" || protocol === "TLS") {
        const to = parseTarget(o.to, protocol);
        if (to) {
            port.to = to;
        }
    } else if (o.to.isSet) {
        o.to.problem(`applies to TCP and TLS ports only: ${protocol} traffic is routed by host and path under istio-mesh:routes`);
    }
    return port;
}

function parsePortHosts(f: Field, protocol: PortProtocol): string[] | undefined {
    if (protocol === "TCP") {
        if (f.isSet) {
            f.problem("must be unset on a TCP port: plain TCP carries no host name to route by; give the port its own number instead");
        }
        return undefined;
    }
    if (protocol === "TLS" && !f.isSet) {
        f.problem("required on a TLS passthrough port: the SNI names the gateway routes on, e.g. [db.partner.example.com]");
        return undefined;
    }
    return f.list(
        (h) => {
            const host = h.string(undefined);
            if (host === undefined) {
                return undefined;
            }
            if (protocol === "TLS" && (host === "*" || parseIp(host))) {
                return h.problem(
                    `${show(host)} cannot be routed by SNI: clients send a DNS name in TLS server name indication, never an IP address, and "*" would pass every connection to one backend; name the host (db.partner.example.com)`,
                );
            }
            if (!HOST.test(host) || parseIp(host)) {
                return h.problem(`must be a lowercase DNS name such as app.example.com or *.example.com (got ${show(host)})`);
            }
            return host;
        },
        { minItems: 1 },
    );
}

function parseTarget(f: Field, protocol: PortProtocol): { service: string; port: number } | undefined {
    if (!f.isSet) {
        f.problem(
            `required on a ${protocol} port: the Service the gateway forwards to, as {service: postgres.db.svc.cluster.local, port: 5432}; without a route the gateway drops every connection`,
        );
        return undefined;
    }
    const o = f.object(["service", "port"]);
    if (!o) {
        return undefined;
    }
    if (!o.service.isSet) o.service.problem("required: the destination Service as name.namespace or its full name, e.g. postgres.db.svc.cluster.local");
    if (!o.port.isSet) o.port.problem("required: the destination port, e.g. 5432");
    const service = o.service.string(undefined, { pattern: SERVICE, patternHint: "a Service as name.namespace or name.namespace.svc.cluster.local" });
    const port = o.port.integer(undefined, { min: 1, max: 65535 });
    return service !== undefined && port !== undefined ? { service, port } : undefined;
}
