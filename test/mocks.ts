/**
 * The shared mock harness: runs the real program (index.ts) against Pulumi's mock engine with a given stack
 * config, and records every registered resource with its inputs and its options, so a test can assert on
 * the whole stack: types, values, ordering (dependsOn), protection, secrets.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { withSharedCharts } from "./shared";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

/** Internal to the SDK (stripped from its typings): resolves once no RPC to the monitor is outstanding. */
const waitForRPCs = (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs;

export const REPO_ROOT = path.resolve(__dirname, "..");
export const PROJECT = "istio-mesh";

/** The engine's marker for a secret value in a serialized property map. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export interface Recorded {
    type: string;
    name: string;
    urn: string;
    /** URN of the parent resource ("" at the top). */
    parent: string;
    custom: boolean;
    /** Inputs as the provider would receive them (secrets unwrapped). */
    inputs: any;
    /** Inputs as serialized on the wire: secrets are still marked, see `secretPaths`. */
    wire: any;
    dependsOn: string[];
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    provider: string;
    /** Resource transforms passed to this resource (e.g. those a Chart applies to what it renders). */
    transforms: pulumi.ResourceTransform[];
    /** Alias specs (earlier names/parents) as sent to the engine, e.g. `{ spec: { name: "old" } }`. */
    aliases: any[];
}

/** What one run of the program registered, with lookups that fail loudly when a resource is missing. */
export class Stack {
    constructor(
        readonly resources: Recorded[],
        readonly outputs: Record<string, unknown>,
    ) {}

    ofType(type: string): Recorded[] {
        return this.resources.filter((r) => r.type === type);
    }

    find(type: string, name: string): Recorded | undefined {
        return this.resources.find((r) => r.type === type && r.name === name);
    }

    get(type: string, name: string): Recorded {
        const found = this.find(type, name);
        if (!found) {
            const names = this.ofType(type).map((r) => r.name);
            throw new Error(`no ${type} named ${name}; registered: ${names.join(", ") || "none"}`);
        }
        return found;
    }

    byUrn(urn: string): Recorded {
        const found = this.resources.find((r) => r.urn === urn);
        if (!found) {
            throw new Error(`no resource with URN ${urn}`);
        }
        return found;
    }

    /** Kubernetes objects by apiVersion/kind/name, as a manifest reader would see them. */
    k8s(kind: string, name: string, namespace?: string): Recorded {
        const found = this.resources.find(
            (r) =>
                r.type.startsWith("kubernetes:") &&
                r.inputs?.kind === kind &&
                r.inputs?.metadata?.name === name &&
                (namespace === undefined || r.inputs?.metadata?.namespace === namespace),
        );
        if (!found) {
            throw new Error(`no ${kind} ${namespace ? `${namespace}/` : ""}${name} registered`);
        }
        return found;
    }

    /** Every resource below `root` in the parent tree. */
    descendants(root: Recorded): Recorded[] {
        const below = new Set([root.urn]);
        // Registration order puts parents before children, so one pass finds the whole subtree.
        return this.resources.filter((r) => below.has(r.parent) && below.add(r.urn));
    }

    /** Names of the resources `r` explicitly depends on. */
    dependencyNames(r: Recorded): string[] {
        return r.dependsOn.map((urn) => this.byUrn(urn).name);
    }
}

/** Paths (dotted) of every value in `wire` that is marked secret. */
export function secretPaths(wire: unknown, prefix = ""): string[] {
    if (wire === null || typeof wire !== "object") {
        return [];
    }
    const obj = wire as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG) {
        return [prefix];
    }
    return Object.entries(obj).flatMap(([k, v]) => secretPaths(v, prefix ? `${prefix}.${k}` : k));
}

/** The inputs with every secret replaced by its value, as the provider would see them. */
function revealSecrets(value: unknown): any {
    if (Array.isArray(value)) {
        return value.map(revealSecrets);
    }
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            return revealSecrets(obj.value);
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, revealSecrets(v)]));
    }
    return value;
}

/** The outputs a StackReference reads (the previous update's, for the program's reference to itself). */
let stackReferenceOutputs: Record<string, unknown> = {};

/** Computed outputs that the real providers would return and the program reads. */
function computedState(type: string, name: string, inputs: any): Record<string, unknown> {
    switch (type) {
        case "pulumi:pulumi:StackReference":
            return { outputs: stackReferenceOutputs, secretOutputNames: [] };
        case "tls:index/privateKey:PrivateKey":
            return { privateKeyPem: `-----BEGIN PRIVATE KEY-----\nmock-${name}\n-----END PRIVATE KEY-----\n`, publicKeyPem: `mock-public-${name}` };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { certPem: `-----BEGIN CERTIFICATE-----\nmock-${name}\n-----END CERTIFICATE-----\n` };
        case "tls:index/certRequest:CertRequest":
            return { certRequestPem: `mock-csr-${name}` };
        case "random:index/randomPassword:RandomPassword":
        case "random:index/randomString:RandomString":
            return { result: `mock-random-${name}` };
        case "random:index/randomId:RandomId":
            return { hex: "00aa11bb", b64Url: "AKoRuw" };
        case "kubernetes:helm.sh/v4:Chart":
            return { resources: [] };
        default:
            if (type.startsWith("kubernetes:") && inputs && typeof inputs === "object") {
                return { metadata: { ...(inputs.metadata ?? {}), name: inputs.metadata?.name ?? name } };
            }
            return {};
    }
}

/**
 * A mock monitor that records each registration into `records`. `Monitor` is the SDK copy's MockMonitor
 * class: a program with its own node_modules (deploy/) has its own SDK, and the mocks must go through it.
 */
export function recordingMonitor(records: Recorded[], Monitor: typeof MockMonitor = MockMonitor): MockMonitor {
    const pending = new Map<string, Recorded>();
    const monitor = new Monitor({
        newResource: (args: pulumi.runtime.MockResourceArgs) => {
            const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs) };
            const rec = pending.get(`${args.type}::${args.name}`);
            if (rec) {
                rec.inputs = revealSecrets(args.inputs);
                rec.transforms = args.transforms ?? [];
            }
            return { id: args.custom ? `${args.name}-id` : "", state };
        },
        call: (args: pulumi.runtime.MockCallArgs) => {
            throw new Error(`unexpected provider function call ${args.token} in a unit test`);
        },
    });
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        const rec: Recorded = {
            type: req.getType(),
            name: req.getName(),
            urn: "",
            parent: req.getParent(),
            custom: req.getCustom(),
            inputs: undefined,
            wire: req.getObject()?.toJavaScript() ?? {},
            dependsOn: req.getDependenciesList(),
            protect: req.getProtect() ?? false,
            retainOnDelete: req.getRetainondelete() ?? false,
            ignoreChanges: req.getIgnorechangesList(),
            provider: req.getProvider(),
            transforms: [],
            aliases: req.getAliasesList().map((a: any) => a.toObject()),
        };
        pending.set(`${rec.type}::${rec.name}`, rec);
        return register(req, (err: any, resp: any) => {
            if (!err && resp) {
                rec.urn = resp.getUrn();
                records.push(rec);
            }
            callback(err, resp);
        });
    };
    return monitor;
}

export interface RunOptions {
    stack?: string;
    /** Keys of `config` that are secret (`pulumi config set --secret`). */
    secretKeys?: string[];
    /**
     * The project directory the engine reports to the program (`pulumi.runtime.getRootDirectory()`, which
     * `istio-mesh:include` paths are relative to). Unset: the SDK's placeholder, and the program uses its
     * working directory.
     */
    rootDirectory?: string;
    /** Config of other namespaces, by full key (`kubernetes:renderYamlToDirectory`). */
    otherConfig?: Record<string, string>;
    /** What StackReferences read as outputs (the previous update's). @default {} */
    previousOutputs?: Record<string, unknown>;
}

/**
 * Runs the program with `config` (section name to value, e.g. `{ controlPlane: { replicas: 2 } }`) and
 * resolves once every resource registration has finished. Each call loads a fresh copy of the program.
 */
export async function runProgram(config: Record<string, unknown>, opts: RunOptions = {}): Promise<Stack> {
    const records: Recorded[] = [];
    stackReferenceOutputs = opts.previousOutputs ?? {};
    // What pulumi.runtime.setMocks does, with a monitor that also records each registration's options.
    settings.setMockOptions(recordingMonitor(records), PROJECT, opts.stack ?? "test", false, "organization");
    enableMockFeatures();
    const flat: Record<string, string> = {};
    // Stacks name the upstream charts as ../shared/...; the tests read them wherever ISTIO_MESH_SHARED says.
    for (const [key, value] of Object.entries(withSharedCharts(config))) {
        flat[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(
        { ...flat, ...(opts.otherConfig ?? {}) },
        (opts.secretKeys ?? []).map((k) => `${PROJECT}:${k}`),
    );
    freshProgramModules();
    const program = withRootDirectory(opts.rootDirectory, () => require(path.join(REPO_ROOT, "index")));
    await waitForRPCs();
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(program)) {
        outputs[key] = await unwrap(pulumi.output(value));
    }
    await waitForRPCs();
    return new Stack(records, outputs);
}

/** The resolved value of an output (tests run with preview=false, so every value is known). */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Mirrors what `setMocks` switches on, for the monitor installed directly above. */
function enableMockFeatures(): void {
    const store = require("@pulumi/pulumi/runtime/state").getStore();
    Object.assign(store, {
        supportsSecrets: true,
        supportsResourceReferences: true,
        supportsOutputValues: false,
        supportsDeletedWith: true,
        supportsAliasSpecs: true,
        supportsTransforms: true,
        supportsInvokeTransforms: true,
        supportsParameterization: true,
    });
}

/** Runs `load` (the program reads its config while loading) with the engine's root directory set to `dir`. */
function withRootDirectory<T>(dir: string | undefined, load: () => T): T {
    const options = require("@pulumi/pulumi/runtime/state").getStore().settings.options;
    const before = options.rootDirectory;
    if (dir !== undefined) options.rootDirectory = dir;
    try {
        return load();
    } finally {
        options.rootDirectory = before;
    }
}

/** Drops the program's own modules from the require cache so the next load runs it again. */
function freshProgramModules(): void {
    for (const file of Object.keys(require.cache)) {
        if (file.startsWith(REPO_ROOT) && !file.includes(`${path.sep}node_modules${path.sep}`) && !file.includes(`${path.sep}test${path.sep}`)) {
            delete require.cache[file];
        }
    }
}
