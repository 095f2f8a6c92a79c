/**
 * The istio-mesh program: reads and validates the whole stack config before registering anything, then
 * wires the components in dependency order: control plane, then everything that needs istiod.
 */
import * as pulumi from "@pulumi/pulumi";
import { ControlPlane } from "./components/control-plane";
import { ExternalService } from "./components/external-service";
import { Ingress } from "./components/ingress";
import { MeshNamespace } from "./components/mesh-namespace";
import { MeshSecurity } from "./components/mesh-security";
import { Observability } from "./components/observability";
import { namespaceTelemetry, telemetryPlan } from "./config/telemetry";
import { ConfigError, MeshConfig, parseMeshConfig, rawFromPulumiConfig } from "./config";
import { checkChartDirectory } from "./config/environment";
import { gatewayIdentities } from "./config/ingress";

function loadConfig(): MeshConfig {
    try {
        const config = parseMeshConfig(rawFromPulumiConfig(pulumi.runtime.allConfig()));
        const problems = checkChartDirectory(config.istio, process.cwd());
        if (problems.length > 0) {
            throw new ConfigError(problems);
        }
        return config;
    } catch (err) {
        // A RunError ends the program with just the message: every problem, one per line, no stack trace.
        throw err instanceof ConfigError ? new pulumi.RunError(err.message) : err;
    }
}

const config = loadConfig();

// Providers and Telemetry specs come from one plan: a Telemetry can never name a provider istiod lacks.
const telemetry = telemetryPlan(config.observability);

const controlPlane = new ControlPlane("mesh", {
    istio: config.istio,
    controlPlane: config.controlPlane,
    mesh: {
        trustDomain: config.istio.trustDomain,
        outboundTraffic: config.outboundTraffic,
        extensionProviders: telemetry.extensionProviders,
        defaultProviders: telemetry.defaultProviders,
    },
});

// Mesh policy: every Istio object waits for the control plane, whose validation webhook must be serving.
const meshDeps = [controlPlane];
new MeshSecurity("mesh-security", { rootNamespace: controlPlane.namespace, mtls: config.mtls, protect: config.istio.protect, dependsOn: meshDeps });
const gateways = gatewayIdentities(config.gateways);
const meshNamespaces: Record<string, MeshNamespace> = {};
for (const [name, ns] of Object.entries(config.namespaces)) {
    meshNamespaces[name] = new MeshNamespace(name, {
        ...ns,
        mtls: ns.mtls ?? config.mtls,
        injectionLabel: controlPlane.injectionLabel,
        trustDomain: config.istio.trustDomain,
        gatewayIdentities: gateways,
        rootNamespace: config.istio.namespace,
        protect: config.istio.protect,
        telemetry: namespaceTelemetry(telemetry, name),
        dependsOn: meshDeps,
    });
}
for (const [name, service] of Object.entries(config.externalServices)) {
    // An enrolled namespace's output, so the ServiceEntry waits for the namespace the stack creates.
    const namespace = service.namespace ? (meshNamespaces[service.namespace]?.namespace ?? service.namespace) : controlPlane.namespace;
    new ExternalService(name, { namespace, service, dependsOn: meshDeps });
}
// Ingress: gateways install only once istiod can inject them, into a namespace enrolled with it.
const edge = new Ingress("ingress", {
    istio: config.istio,
    cluster: config.cluster,
    gateways: config.gateways,
    certificates: config.certificates,
    routes: config.routes,
    controlPlane,
    injectionLabel: controlPlane.injectionLabel,
    revision: controlPlane.revision,
    namespaces: meshNamespaces,
});
const observer = new Observability("observability", {
    config: config.observability,
    plan: telemetry,
    istioNamespace: config.istio.namespace,
    revision: controlPlane.revision,
    controlPlane,
    gatewayNamespaces: [config.gateways.namespace],
    ownNamespaceTelemetry: Object.keys(telemetry.namespaces).filter((ns) => !Object.hasOwn(config.namespaces, ns)),
    internalGateway: gateways.internal,
    kialiClientSecret: config.kialiOidcClientSecret ? new pulumi.Config().requireSecret("kialiOidcClientSecret") : undefined,
});
export const istio = {
    version: config.istio.version,
    namespace: controlPlane.namespace,
    revision: controlPlane.revision,
    istiod: controlPlane.istiodAddress,
    injectionLabel: `${controlPlane.injectionLabel.key}=${controlPlane.injectionLabel.value}`,
};
export const meshRootCertPem = controlPlane.rootCertPem;
/** The gateways: pinned addresses (point DNS here), hosts, Gateway resources and certificate Secrets. */
export const ingress = edge.summary;
/** The mesh's membership and defaults: mTLS mode, enrolled namespaces, registered external hosts. */
export const mesh = {
    mtls: config.mtls.mode,
    outboundTraffic: config.outboundTraffic,
    namespaces: Object.keys(config.namespaces),
    externalHosts: Object.values(config.externalServices).flatMap((e) => e.hosts),
};
/** Where traces, access logs and metrics go, and the Kiali URL (null without Kiali). */
export const observability = observer.summary;
