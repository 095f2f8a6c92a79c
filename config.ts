/**
 * The typed model of a mesh stack: every `istio-mesh:*` stack config key, parsed, defaulted and validated
 * in one pure pass. Each key is a section with its own parser under config/; the program and
 * `npm run config:check` both go through `parseMeshConfig`, so the two can never disagree.
 */
import { checkCni } from "./config/cni";
import { parseControlPlane } from "./config/control-plane";
import { GATEWAY_API_CROSS_CHECKS, parseGatewayApi, parsePlatform, routeForm, usesIstioForm } from "./config/gateway-api";
import { ConfigError, Field, Problem, closest } from "./config/field";
import { INCLUDE_KEY, locateProblems, programRoot, resolveIncludes } from "./config/include";
import { INGRESS_CROSS_CHECKS, parseCertificates, parseCluster, parseGateways, parseRoutes } from "./config/ingress";
import { checkGatewaySources, checkMesh, checkPublishedServices, parseExternalServices, parseMtls, parseNamespaces } from "./config/mesh";
import { parseIstio } from "./config/istio";
import { parseObservability, parseSecretPresence } from "./config/observability";
import { OBSERVABILITY_CROSS_CHECKS, OBSERVABILITY_SECRET_CHECKS } from "./config/observability-checks";
import { parseRegistryPullSecret } from "./config/registry";
import { REGISTRY_CROSS_CHECKS, REGISTRY_SECRET_CHECKS } from "./config/registry-checks";
import { checkRevisionUse } from "./config/revision-checks";

export { ConfigError, Problem, formatProblems } from "./config/field";

/** The Pulumi project name: stack config keys are `istio-mesh:<section>`. */
export const PROJECT = "istio-mesh";

export type OutboundTraffic = "ALLOW_ANY" | "REGISTRY_ONLY";

function parseOutboundTraffic(f: Field): OutboundTraffic {
    // ALLOW_ANY is Istio's default; REGISTRY_ONLY limits egress to hosts registered with ServiceEntries.
    return f.string("ALLOW_ANY", { oneOf: ["ALLOW_ANY", "REGISTRY_ONLY"] }) as OutboundTraffic;
}

/**
 * One parser per top-level key. A parser receives the key's value (undefined when the stack does not set
 * it) and returns the section with defaults applied, recording problems on the field as it goes.
 */
const SECTIONS = {
    istio: parseIstio,
    controlPlane: parseControlPlane,
    outboundTraffic: parseOutboundTraffic,
    cluster: parseCluster,
    gateways: parseGateways,
    certificates: parseCertificates,
    routes: parseRoutes,
    platform: parsePlatform,
    gatewayApi: parseGatewayApi,
    observability: parseObservability,
    kialiOidcClientSecret: parseSecretPresence,
    registryPullSecret: parseRegistryPullSecret,
    mtls: parseMtls,
    namespaces: parseNamespaces,
    externalServices: parseExternalServices,
} satisfies Record<string, (f: Field) => unknown>;

export type SectionName = keyof typeof SECTIONS;

/** The whole mesh of one stack, defaults applied. */
export type MeshConfig = { readonly [K in SectionName]: NonNullable<ReturnType<(typeof SECTIONS)[K]>> };

/** A check across sections, run only when every section parsed cleanly. */
export type CrossCheck = (config: MeshConfig, report: (key: string, message: string) => void) => void;

// Only routes with an Istio VirtualService go through the Istio gateway's pods; the Gateway API form has its own check.
const checkIstioPublished: CrossCheck = (c, report) =>
    checkPublishedServices({ ...c, routes: c.routes.filter((r) => usesIstioForm(routeForm(r, c.gatewayApi))) }, report);

const CROSS_CHECKS: CrossCheck[] = [
    checkRevisionUse,
    checkMesh,
    checkCni,
    checkGatewaySources,
    checkIstioPublished,
    ...INGRESS_CROSS_CHECKS,
    ...GATEWAY_API_CROSS_CHECKS,
    ...OBSERVABILITY_CROSS_CHECKS,
    ...REGISTRY_CROSS_CHECKS,
];

/**
 * Secrets the stack needs but a stack file may not hold: they are set with `pulumi config set --secret` or
 * come from the stack's ESC environment, which `config:check` cannot see. The program refuses to run
 * without them; `config:check` lists them as needed and still calls the file valid.
 */
const SECRET_CHECKS: CrossCheck[] = [...OBSERVABILITY_SECRET_CHECKS, ...REGISTRY_SECRET_CHECKS];

/**
 * Keys whose values are secrets. Pulumi keeps a secret encrypted in the stack file (`secure: v1:...`) only when
 * it was set with `--secret`; written in plain text, it would sit readable in Git and in the state.
 */
export const SECRET_SECTIONS: readonly SectionName[] = ["kialiOidcClientSecret", "registryPullSecret"];

/** How the caller tells whether a section's value was stored encrypted (a `secure:` value of the stack file). */
export interface SecretInfo {
    isSecret: (section: string) => boolean;
}

function checkSecrets(raw: Readonly<Record<string, unknown>>, secrets: SecretInfo, problems: Problem[]): void {
    for (const section of SECRET_SECTIONS) {
        const value = raw[section];
        if (value !== undefined && value !== "" && !secrets.isSecret(section)) {
            problems.push({
                key: `${PROJECT}:${section}`,
                message: `is a secret but is stored in plain text: set it encrypted with pulumi config set --secret ${PROJECT}:${section} <value> (and remove the plain value from the stack file and its Git history)`,
            });
        }
    }
}

/** Every config key the project understands, in the order the README documents them. */
export const SECTION_NAMES = Object.keys(SECTIONS) as SectionName[];

/**
 * Parses raw stack config (section name to value, as `pulumi config` holds it) into a `MeshConfig`,
 * or lists every problem found. Pure: no I/O, no Pulumi runtime.
 */
export function checkMeshConfig(
    raw: Readonly<Record<string, unknown>>,
    secrets?: SecretInfo,
): { config?: MeshConfig; problems: Problem[]; missingSecrets: Problem[] } {
    const problems: Problem[] = [];
    if (secrets) checkSecrets(raw, secrets, problems);
    for (const key of Object.keys(raw)) {
        if (!(key in SECTIONS)) {
            const near = closest(key, SECTION_NAMES);
            problems.push({
                key: `${PROJECT}:${key}`,
                message: `unknown config key; ${near ? `did you mean "${PROJECT}:${near}"? ` : ""}known keys: ${SECTION_NAMES.join(", ")}`,
            });
        }
    }
    const config: Record<string, unknown> = {};
    for (const name of SECTION_NAMES) {
        config[name] = SECTIONS[name](Field.root(`${PROJECT}:${name}`, raw[name], problems));
    }
    if (problems.length > 0) {
        return { problems: locateProblems(raw, problems), missingSecrets: [] };
    }
    const mesh = config as MeshConfig;
    for (const check of CROSS_CHECKS) {
        check(mesh, (key, message) => problems.push({ key: `${PROJECT}:${key}`, message }));
    }
    const missingSecrets: Problem[] = [];
    for (const check of SECRET_CHECKS) {
        check(mesh, (key, message) => missingSecrets.push({ key: `${PROJECT}:${key}`, message }));
    }
    return problems.length > 0 ? { problems: locateProblems(raw, problems), missingSecrets } : { config: mesh, problems, missingSecrets };
}

/** Like `checkMeshConfig`, but throws a `ConfigError` listing every problem, missing secrets included. */
export function parseMeshConfig(raw: Readonly<Record<string, unknown>>, secrets?: SecretInfo): MeshConfig {
    const { config, problems, missingSecrets } = checkMeshConfig(raw, secrets);
    if (!config || missingSecrets.length > 0) {
        throw new ConfigError([...problems, ...missingSecrets]);
    }
    return config;
}

/**
 * Turns the flat config map the Pulumi runtime hands a program (`istio-mesh:istio` -> JSON text) into raw
 * section values. Keys of other namespaces (`kubernetes:context`) are not ours and are left out. The files
 * `istio-mesh:include` names are read and merged here (config/include.ts), relative to `root`: by default
 * the running program's project directory.
 */
export function rawFromPulumiConfig(all: Readonly<Record<string, string>>, root?: string): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(all)) {
        if (key.startsWith(`${PROJECT}:`)) {
            raw[key.slice(PROJECT.length + 1)] = decodeConfigValue(text);
        }
    }
    return INCLUDE_KEY in raw ? resolveIncludes(raw, { root: root ?? programRoot() }) : raw;
}

/** Object and list values arrive as JSON text; scalars arrive as plain strings. */
function decodeConfigValue(text: string): unknown {
    if (/^\s*[[{]/.test(text)) {
        try {
            return JSON.parse(text);
        } catch {
            return text;
        }
    }
    return text;
}
