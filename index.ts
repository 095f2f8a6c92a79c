/**
 * The istio-mesh program: reads and validates the whole stack config before registering anything, then
 * wires the components in dependency order: control plane, then everything that needs istiod.
 */
import * as pulumi from "@pulumi/pulumi";
import { IstioCni } from "./components/cni";
import { ControlPlane } from "./components/control-plane";
import { mergeValues } from "./components/chart-source";
import { ExternalService } from "./components/external-service";
import { GatewayApiIngress } from "./components/gateway-api";
import { Ingress } from "./components/ingress";
import { MeshNamespace } from "./components/mesh-namespace";
import { MeshSecurity } from "./components/mesh-security";
import { enrolmentChanges, previousLabels, selfReferenceName } from "./components/enrolment.values";
import { Observability } from "./components/observability";
import { namespaceTelemetry, telemetryPlan } from "./config/telemetry";
import { ConfigError, MeshConfig, parseMeshConfig, PROJECT, rawFromPulumiConfig } from "./config";
import { effectivePodSecurity } from "./config/cni";
import { checkChartDirectory } from "./config/environment";
import { istiodGatewayApiValues, routeForm, usesIstioForm } from "./config/gateway-api";
import { gatewayIdentities, gatewaysOf } from "./config/ingress";
import { resolveRegistry } from "./config/registry";
import { revisionSummary } from "./components/control-plane.summary";

/** Whether the engine handed the program this key as a secret (the SDK exports it untyped). */
const isConfigSecret = (key: string): boolean => (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret?.(key) ?? false;

function loadConfig(): MeshConfig {
    try {
        const config = parseMeshConfig(rawFromPulumiConfig(pulumi.runtime.allConfig()), { isSecret: (section) => isConfigSecret(`${PROJECT}:${section}`) });
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

// One registry for every image; its pull secret is created by the owner of each namespace that pulls.
const registry = resolveRegistry(config.istio, config.registryPullSecret);
const pullSecret = registry.createsPullSecrets
    ? { name: registry.pullSecrets[0], dockerConfigJson: new pulumi.Config().requireSecret("registryPullSecret") }
    : undefined;
// The CNI node agent first: istiod's injector relies on it (injected pods then need no NET_ADMIN/NET_RAW).
const cni = config.istio.cni.enabled ? new IstioCni("mesh-cni", { istio: config.istio, cni: config.istio.cni, pullSecret }) : undefined;

const controlPlane = new ControlPlane("mesh", {
    cni: cni?.agent,
    istio: config.istio,
    // Istio's Gateway API support written out when routes use that form; the user's values still merge last.
    controlPlane: { ...config.controlPlane, values: mergeValues(istiodGatewayApiValues(config), config.controlPlane.values) },
    mesh: {
        trustDomain: config.istio.trustDomain,
        outboundTraffic: config.outboundTraffic,
        extensionProviders: telemetry.extensionProviders,
        defaultProviders: telemetry.defaultProviders,
    },
    pullSecret,
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
        podSecurity: effectivePodSecurity(ns.podSecurity, config.istio.cni),
        injectionLabel: controlPlane.injectionLabel,
        trustDomain: config.istio.trustDomain,
        gatewayIdentities: gateways,
        rootNamespace: config.istio.namespace,
        protect: config.istio.protect,
        telemetry: namespaceTelemetry(telemetry, name),
        dependsOn: meshDeps,
        pullSecret,
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
    routes: config.routes.filter((r) => usesIstioForm(routeForm(r, config.gatewayApi))),
    controlPlane,
    injectionLabel: controlPlane.injectionLabel,
    revision: controlPlane.gatewayRevision,
    namespaces: meshNamespaces,
    pullSecret,
    externalServices: config.externalServices,
});
// The Gateway API form (Gateway of class istio, HTTPRoutes), after the Istio ingress it takes hosts and certificates from.
const gatewayApiIngress = new GatewayApiIngress("gateway-api", {
    platform: config.platform,
    gatewayApi: config.gatewayApi,
    cluster: config.cluster,
    gateways: config.gateways,
    routes: config.routes,
    namespaces: meshNamespaces,
    dependsOn: [controlPlane, edge],
});
const kialiNamespace = config.observability.kiali && (config.observability.kiali.namespace ?? config.istio.namespace);
const pullSecretOwned = new Set([config.istio.namespace, ...Object.keys(config.namespaces), ...gatewaysOf(config.gateways).map((g) => g.namespace)]);
const observer = new Observability("observability", {
    config: config.observability,
    plan: telemetry,
    istioNamespace: config.istio.namespace,
    // Several istiods: scrape them all; one: the same selector as the single form.
    revision: config.istio.revisions.length > 1 ? config.istio.revisions.map((r) => r.name) : controlPlane.revision,
    controlPlane,
    gatewayNamespaces: [...new Set([config.gateways.namespace, ...Object.values(config.gateways.byName).map((g) => g.namespace)])],
    gatewayLabels: Object.values(config.gateways.byName).map((g) => g.labels.istio),
    gatewayWorkloads: gatewaysOf(config.gateways).map((g) => g.release),
    ownNamespaceTelemetry: Object.keys(telemetry.namespaces).filter((ns) => !Object.hasOwn(config.namespaces, ns)),
    internalGateway: gateways.internal,
    kialiClientSecret: config.kialiOidcClientSecret ? new pulumi.Config().requireSecret("kialiOidcClientSecret") : undefined,
    registry,
    kialiPullSecret: kialiNamespace && !pullSecretOwned.has(kialiNamespace) ? pullSecret : undefined,
});
export const istio = {
    version: config.istio.version,
    namespace: controlPlane.namespace,
    revision: controlPlane.revision,
    istiod: controlPlane.istiodAddress,
    injectionLabel: `${controlPlane.injectionLabel.key}=${controlPlane.injectionLabel.value}`,
    // With istio.revisions: every revision, the tags, and which revision each namespace is on now.
    ...(config.istio.multiRevision ? revisionSummary(config.istio, config.namespaces) : {}),
};
export const meshRootCertPem = controlPlane.rootCertPem;
/** The gateways: pinned addresses (point DNS here), hosts, Gateway resources and certificate Secrets. */
export const ingress = edge.summary;
/** The deployment model and the Gateway API form: Gateways of class istio, their addresses, the HTTPRoutes. */
export const gatewayApi = gatewayApiIngress.summary;
/** The mesh's membership and defaults: mTLS mode, enrolled namespaces, registered external hosts. */
export const mesh = {
    mtls: config.mtls.mode,
    outboundTraffic: config.outboundTraffic,
    namespaces: Object.keys(config.namespaces),
    externalHosts: Object.values(config.externalServices).flatMap((e) => e.hosts),
};
/** Where traces, access logs and metrics go, and the Kiali URL (null without Kiali). */
export const observability = observer.summary;

// The previous update's `enrolment` output, read back through a reference to this very stack (it works the
// same on Pulumi Cloud and the file backend); the first update has none. A stack that only renders manifests
// (kubernetes:renderYamlToDirectory) has no cluster whose workloads a change would restart, so it reads none:
// every enrolled namespace is listed, as for a first apply.
const renderOnly = new pulumi.Config("kubernetes").get("renderYamlToDirectory") !== undefined;
const previousEnrolment: pulumi.Output<unknown> = renderOnly
    ? pulumi.output(undefined)
    : new pulumi.StackReference("mesh-previous-update", {
          name: selfReferenceName(pulumi.getOrganization(), pulumi.getProject(), pulumi.getStack()),
      }).getOutput("enrolment");
const enrolledNow: Record<string, string> = Object.fromEntries(Object.entries(meshNamespaces).map(([name, ns]) => [name, ns.injectionLabel]));
if (gatewaysOf(config.gateways).length > 0) {
    enrolledNow[config.gateways.namespace] = istio.injectionLabel;
}
/**
 * Namespaces whose injection label changed since the previous update (enrolled, moved to another revision,
 * left the mesh), each with the command that restarts its workloads and the one that verifies injection.
 */
export const enrolment = previousEnrolment.apply((previous) => enrolmentChanges(previousLabels(previous), enrolledNow));
