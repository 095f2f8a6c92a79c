/**
 * The stack of a mesh with `n` application namespaces, laid out as a platform team keeps a large mesh: the
 * platform in the stack config, and each team's namespace and published route in a file of its own, read
 * through `istio-mesh:include` (a stack file of a few hundred namespaces would not fit the language host's
 * PULUMI_CONFIG; docs/config-mesh.md). Each namespace is what a team enrols in practice: a canary-routed
 * service (stable and canary subsets, a header match to the canary, 90/10 weights with retries and a timeout,
 * circuit breaking), authorization rules (the external gateway and a sibling workload may call it, default
 * deny otherwise) and the service published through the external gateway on its own host. Pure.
 */
/** The namespace names of a mesh of `n` namespaces: team-0000, team-0001, ... */
export function teamNames(n: number): string[] {
    return Array.from({ length: n }, (_, i) => `team-${String(i).padStart(4, "0")}`);
}

/** The platform around the namespaces: one control plane, the external gateway, its address pool and ACME. */
const PLATFORM = {
    istio: { version: "1.30.3", trustDomain: "bench.example.com" },
    controlPlane: { replicas: 2 },
    mtls: "STRICT",
    cluster: {
        controlPlaneVip: "10.20.0.10",
        addressPools: [{ name: "ingress", addresses: ["10.20.0.240-10.20.0.249"] }],
    },
    certificates: { acme: { email: "platform@example.com", environment: "production" } },
};

function namespaceConfig(ns: string): Record<string, unknown> {
    return {
        labels: { team: ns },
        allow: [
            { from: "gateway:external", to: "web", methods: ["GET", "POST"] },
            { from: `${ns}/worker`, to: "web", methods: ["GET"], paths: ["/api/*"] },
        ],
        services: {
            web: {
                port: 8080,
                subsets: [
                    { name: "stable", labels: { version: "v1" } },
                    { name: "canary", labels: { version: "v2" } },
                ],
                routes: [
                    { match: { headers: { "x-canary": "true" } }, to: "canary" },
                    { to: { stable: 90, canary: 10 }, timeout: "10s", retries: { attempts: 3, perTryTimeout: "2s", retryOn: ["5xx", "connect-failure"] } },
                ],
                connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 50, http2MaxRequests: 100 } },
                outlierDetection: { consecutive5xxErrors: 5, interval: "30s", baseEjectionTime: "60s", maxEjectionPercent: 50 },
            },
        },
    };
}

/** A mesh's stack: its stack config (section name to value) and the included files (path to YAML text). */
export interface MeshStack {
    config: Record<string, unknown>;
    files: Map<string, string>;
}

/** The stack of a mesh of `n` namespaces; `includeDir` is where its team files go, relative to the project. */
export function meshStack(n: number, includeDir: string): MeshStack {
    const files = new Map<string, string>();
    const hosts: string[] = [];
    for (const ns of teamNames(n)) {
        const host = `${ns}.apps.example.com`;
        hosts.push(host);
        const route = { namespace: ns, gateway: "external", hosts: [host], paths: [{ prefix: "/", service: "web", port: 8080 }] };
        // JSON is YAML 1.2: the files are read by the same YAML parser either way.
        files.set(`${includeDir}/${ns}.yaml`, `${JSON.stringify({ namespaces: { [ns]: namespaceConfig(ns) }, routes: { [ns]: route } }, null, 2)}\n`);
    }
    // The external gateway names every published host: its ACME certificate cannot carry a wildcard.
    const config = { ...PLATFORM, gateways: { external: { address: "10.20.0.240", hosts, replicas: 2 } }, include: [includeDir] };
    return { config, files };
}
