/**
 * The typed model of the deploy program's stack: which istio-mesh stacks Pulumi Deployments runs, from
 * which repository, with what environment, on what schedule. Pure: no I/O, no Pulumi runtime, so tests and
 * the program share one parser. Every problem is collected and reported at once, named by key path.
 */

/** This program's Pulumi project: its stack config keys are `istio-mesh-deploy:<key>`. */
export const PROJECT = "istio-mesh-deploy";

/** The stacks of the mesh program whose deployment settings this program owns. */
export const TARGET_STACKS = ["dev", "prod"] as const;
export type TargetStack = (typeof TARGET_STACKS)[number];

export interface Problem {
    key: string;
    message: string;
}

export class ConfigError extends Error {
    constructor(readonly problems: readonly Problem[]) {
        super(`invalid stack configuration:\n${problems.map((p) => `${p.key}: ${p.message}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

export interface DriftDetection {
    /** Five-field cron expression (UTC). */
    schedule: string;
    /** Run `pulumi up` when drift is found. */
    autoRemediate: boolean;
}

export interface StackDeployment {
    stack: TargetStack;
    /** `pulumi up` on every push to the branch (Deployments' push-to-deploy). */
    deployCommits: boolean;
    /** `pulumi preview` on every pull request, run by Deployments. */
    previewPullRequests: boolean;
    environmentVariables: Record<string, string>;
    /** Stored by Pulumi Cloud as secrets; the program marks every one of them secret. */
    secretEnvironmentVariables: Record<string, string>;
    preRunCommands: string[];
    /** Undefined when drift detection is switched off (`driftDetection: false`). */
    driftDetection?: DriftDetection;
    /** Undefined: Pulumi's default executor image. */
    executorImage?: string;
}

export interface ReviewStacks {
    /** The template stack of the mesh program; review stacks copy its settings and its stack file. */
    templateStack: string;
}

export interface PolicyGroup {
    name: string;
    mode: "preventative" | "audit";
    pack: string;
    /** The published pack version the group enforces (`pulumi policy publish` prints it). */
    version: string;
    /** Pack config: `all` sets every policy's level, a policy's name configures that policy. */
    config: Record<string, unknown>;
}

export interface DeployConfig {
    organization: string;
    /** The mesh program's project (never this program's own: a stack must not manage its own settings). */
    project: string;
    /** GitHub `owner/name`. */
    repository: string;
    branch: string;
    /** Directory of the mesh program's Pulumi.yaml inside the repository. */
    repoDir: string;
    /** Path filters for push-to-deploy and PR previews; empty means every path. */
    paths: string[];
    stacks: Record<TargetStack, StackDeployment>;
    reviewStacks?: ReviewStacks;
    policyGroup?: PolicyGroup;
}

export const DEFAULTS = {
    project: "istio-mesh",
    branch: "main",
    repoDir: ".",
    reviewTemplateStack: "pr",
    policyGroupName: "istio-mesh",
    policyGroupMode: "preventative",
    policyPack: "istio-mesh-guard",
    /** dev drifts more (people experiment there) but matters less; prod is checked every hour. */
    driftSchedule: { dev: "0 */6 * * *", prod: "0 * * * *" } as Record<TargetStack, string>,
} as const;

/** What every deployment runs first: an exact install, then the same validation CI runs. */
export function defaultPreRunCommands(stack: string): string[] {
    return ["npm ci --ignore-scripts", `npm run config:check -- Pulumi.${stack}.yaml`];
}

export const CONFIG_KEYS = ["organization", "project", "repository", "branch", "repoDir", "paths", "dev", "prod", "reviewStacks", "policyGroup"];
const STACK_KEYS = [
    "deployCommits",
    "previewPullRequests",
    "environmentVariables",
    "secretEnvironmentVariables",
    "preRunCommands",
    "driftDetection",
    "executorImage",
];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that usually hold a credential, which must not sit in plain text in the stack file. */
const CREDENTIAL_NAME = /(TOKEN|PASSWORD|PASSWD|SECRET|PASSPHRASE|PRIVATE_KEY|API_KEY|ACCESS_KEY)/i;
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
/** One cron field: `*`, a number, a range, a list, each optionally stepped. */
const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

const show = (v: unknown) => JSON.stringify(v) ?? String(v);

/** Reads one key path, recording problems as it goes. */
class Reader {
    constructor(
        readonly path: string,
        readonly value: unknown,
        private readonly sink: Problem[],
    ) {}

    get isSet(): boolean {
        return this.value !== undefined && this.value !== null;
    }

    problem(message: string): undefined {
        this.sink.push({ key: this.path, message });
        return undefined;
    }

    child(key: string): Reader {
        const obj = this.isObject() ? (this.value as Record<string, unknown>) : {};
        return new Reader(`${this.path}.${key}`, obj[key], this.sink);
    }

    isObject(): boolean {
        return typeof this.value === "object" && this.value !== null && !Array.isArray(this.value);
    }

    /** An object whose keys are all in `known` (or undefined with a problem). */
    object(known: readonly string[]): Record<string, unknown> | undefined {
        if (!this.isSet) return {};
        if (!this.isObject()) return this.problem(`must be an object with keys ${known.join(", ")} (got ${show(this.value)})`);
        let ok = true;
        for (const key of Object.keys(this.value as object)) {
            if (!known.includes(key)) {
                ok = false;
                this.child(key).problem(`unknown key; known keys: ${known.join(", ")}`);
            }
        }
        return ok ? (this.value as Record<string, unknown>) : undefined;
    }

    string(fallback: string | undefined, pattern?: RegExp, hint?: string): string | undefined {
        if (!this.isSet) return fallback ?? this.problem(`required: ${hint ?? "a string"}`);
        if (typeof this.value !== "string" || this.value === "") return this.problem(`must be a non-empty string (got ${show(this.value)})`);
        if (pattern && !pattern.test(this.value)) return this.problem(`must be ${hint} (got ${show(this.value)})`);
        return this.value;
    }

    boolean(fallback: boolean): boolean | undefined {
        if (!this.isSet) return fallback;
        // The CLI hands top-level scalars over as strings; nested ones arrive typed.
        if (this.value === true || this.value === "true") return true;
        if (this.value === false || this.value === "false") return false;
        return this.problem(`must be true or false (got ${show(this.value)})`);
    }

    stringList(fallback: string[]): string[] | undefined {
        if (!this.isSet) return fallback;
        if (!Array.isArray(this.value) || this.value.some((v) => typeof v !== "string" || v === "")) {
            return this.problem(`must be a list of non-empty strings (got ${show(this.value)})`);
        }
        return [...this.value];
    }

    /** A map of environment variable names to string values. */
    env(): Record<string, string> | undefined {
        if (!this.isSet) return {};
        if (!this.isObject()) return this.problem(`must be a map of NAME: value (got ${show(this.value)})`);
        const out: Record<string, string> = {};
        let ok = true;
        for (const [name, value] of Object.entries(this.value as Record<string, unknown>)) {
            const at = this.child(name);
            if (!ENV_NAME.test(name)) {
                at.problem("is not a valid environment variable name (letters, digits and _, not starting with a digit)");
                ok = false;
            } else if (typeof value !== "string") {
                at.problem(`must be a string (got ${show(value)}); quote numbers and booleans`);
                ok = false;
            } else {
                out[name] = value;
            }
        }
        return ok ? out : undefined;
    }
}

function parseCron(r: Reader, fallback: string): string | undefined {
    const cron = r.string(fallback);
    if (cron === undefined) return undefined;
    const fields = cron.trim().split(/\s+/);
    if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
        return r.problem(`must be a five-field cron expression "minute hour day month weekday", e.g. "0 * * * *" (got ${show(cron)})`);
    }
    return fields.join(" ");
}

function parseDrift(r: Reader, stack: TargetStack): DriftDetection | undefined | false {
    if (r.value === false || r.value === "false") return false;
    const obj = r.object(["schedule", "autoRemediate"]);
    if (obj === undefined) return undefined;
    const schedule = parseCron(r.child("schedule"), DEFAULTS.driftSchedule[stack]);
    const autoRemediate = r.child("autoRemediate").boolean(false);
    if (schedule === undefined || autoRemediate === undefined) return undefined;
    if (stack === "prod" && autoRemediate) {
        return r
            .child("autoRemediate")
            .problem(
                "must be false for prod: remediation runs `pulumi up` without the approval every prod update needs; fix drift through a reviewed change instead",
            );
    }
    return { schedule, autoRemediate };
}

function parseStack(r: Reader, stack: TargetStack): StackDeployment | undefined {
    const obj = r.object(STACK_KEYS);
    if (obj === undefined) return undefined;
    const deployCommits = r.child("deployCommits").boolean(false);
    const previewPullRequests = r.child("previewPullRequests").boolean(false);
    const env = r.child("environmentVariables").env();
    const secretEnv = r.child("secretEnvironmentVariables").env();
    const preRunCommands = r.child("preRunCommands").stringList(defaultPreRunCommands(stack));
    const drift = parseDrift(r.child("driftDetection"), stack);
    const image = r.child("executorImage");
    const executorImage = image.isSet ? image.string(undefined, IMAGE, "a container image reference such as pulumi/pulumi-nodejs:3.270.0") : undefined;
    if (stack === "prod" && deployCommits) {
        r.child("deployCommits").problem(
            "must be false for prod: push-to-deploy would update prod without the manual approval of the `production` environment in .github/workflows/deploy.yml",
        );
    }
    if (env) {
        for (const name of Object.keys(env)) {
            if (CREDENTIAL_NAME.test(name)) {
                r.child("environmentVariables")
                    .child(name)
                    .problem(
                        `looks like a credential; move it to ${r.path}.secretEnvironmentVariables and set it with \`pulumi config set --secret --path '${r.path}.secretEnvironmentVariables.${name}'\``,
                    );
            } else if (secretEnv && name in secretEnv) {
                r.child("environmentVariables").child(name).problem(`is also set in ${r.path}.secretEnvironmentVariables; set it in one place`);
            }
        }
    }
    if (preRunCommands && !preRunCommands.some((c) => /^npm ci\b/.test(c.trim()))) {
        r.child("preRunCommands").problem(
            "must include `npm ci --ignore-scripts`: deployments skip Pulumi's own dependency install, so without it the program has no node_modules",
        );
    }
    if ([deployCommits, previewPullRequests, env, secretEnv, preRunCommands, drift].includes(undefined) || (image.isSet && !executorImage)) {
        return undefined;
    }
    return {
        stack,
        deployCommits: deployCommits!,
        previewPullRequests: previewPullRequests!,
        environmentVariables: env!,
        secretEnvironmentVariables: secretEnv!,
        preRunCommands: preRunCommands!,
        ...(drift ? { driftDetection: drift } : {}),
        ...(executorImage ? { executorImage } : {}),
    };
}

function parseReviewStacks(r: Reader): ReviewStacks | undefined | null {
    if (!r.isSet || r.value === false || r.value === "false") return null;
    // `reviewStacks: true` is shorthand for the defaults.
    if (r.value !== true && r.value !== "true" && r.object(["templateStack"]) === undefined) return undefined;
    const templateStack = r.child("templateStack").string(DEFAULTS.reviewTemplateStack, NAME, "a stack name");
    if (templateStack === undefined) return undefined;
    if ((TARGET_STACKS as readonly string[]).includes(templateStack)) {
        return r
            .child("templateStack")
            .problem(
                `must not be ${templateStack}: every review stack copies the template's stack file, and a second mesh in the ${templateStack} cluster would fight over the cluster-wide Istio CRDs and webhooks; use a stack of its own whose kubernetes context is a disposable cluster`,
            );
    }
    return { templateStack };
}

function parsePolicyGroup(r: Reader): PolicyGroup | undefined | null {
    if (!r.isSet) return null;
    const obj = r.object(["name", "mode", "pack", "version", "config"]);
    if (obj === undefined) return undefined;
    const name = r.child("name").string(DEFAULTS.policyGroupName, NAME, "a policy group name");
    const mode = r.child("mode").string(DEFAULTS.policyGroupMode, /^(preventative|audit)$/, "preventative or audit");
    const pack = r.child("pack").string(DEFAULTS.policyPack, NAME, "a policy pack name");
    const version = r
        .child("version")
        .string(undefined, /^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, 'the published pack version, e.g. "0.1.0" (see `pulumi policy ls`)');
    const config = r.child("config");
    if (config.isSet && !config.isObject()) config.problem(`must be a map of policy name to settings (got ${show(config.value)})`);
    if ([name, mode, pack, version].includes(undefined) || (config.isSet && !config.isObject())) return undefined;
    return { name: name!, mode: mode as PolicyGroup["mode"], pack: pack!, version: version!, config: (config.value as Record<string, unknown>) ?? {} };
}

/**
 * Parses raw stack config (key without the `istio-mesh-deploy:` prefix to value) into a `DeployConfig`,
 * or lists every problem found.
 */
export function checkDeployConfig(raw: Readonly<Record<string, unknown>>): { config?: DeployConfig; problems: Problem[] } {
    const problems: Problem[] = [];
    const at = (key: string) => new Reader(`${PROJECT}:${key}`, raw[key], problems);
    for (const key of Object.keys(raw)) {
        if (!CONFIG_KEYS.includes(key)) at(key).problem(`unknown config key; known keys: ${CONFIG_KEYS.join(", ")}`);
    }
    const organization = at("organization").string(undefined, NAME, "the Pulumi organization that owns the mesh stacks");
    const project = at("project").string(DEFAULTS.project, NAME, "a Pulumi project name");
    if (project === PROJECT) {
        at("project").problem(`must be the mesh program's project, not this program's own (${PROJECT}): a stack must not manage its own deployment settings`);
    }
    const repository = at("repository").string(undefined, REPOSITORY, 'the GitHub repository as "owner/name", e.g. "example-platform/istio-mesh"');
    const branch = at("branch").string(DEFAULTS.branch);
    const repoDir = at("repoDir").string(DEFAULTS.repoDir);
    if (repoDir !== undefined && (repoDir.startsWith("/") || repoDir.split("/").includes(".."))) {
        at("repoDir").problem(`must be a path inside the repository, relative to its root, without ".." (got ${show(repoDir)})`);
    }
    const paths = at("paths").stringList([]);
    const dev = parseStack(at("dev"), "dev");
    const prod = parseStack(at("prod"), "prod");
    const reviewStacks = parseReviewStacks(at("reviewStacks"));
    const policyGroup = parsePolicyGroup(at("policyGroup"));
    if (problems.length > 0) return { problems };
    return {
        problems,
        config: {
            organization: organization!,
            project: project!,
            repository: repository!,
            branch: branch!,
            repoDir: repoDir!,
            paths: paths!,
            stacks: { dev: dev!, prod: prod! },
            ...(reviewStacks ? { reviewStacks } : {}),
            ...(policyGroup ? { policyGroup } : {}),
        },
    };
}

export function parseDeployConfig(raw: Readonly<Record<string, unknown>>): DeployConfig {
    const { config, problems } = checkDeployConfig(raw);
    if (!config) throw new ConfigError(problems);
    return config;
}

/** The runtime's flat config (`istio-mesh-deploy:dev` -> JSON text) as raw values; other namespaces dropped. */
export function rawFromPulumiConfig(all: Readonly<Record<string, string>>): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(all)) {
        if (!key.startsWith(`${PROJECT}:`)) continue;
        let value: unknown = text;
        if (/^\s*[[{]/.test(text)) {
            try {
                value = JSON.parse(text);
            } catch {
                // Not JSON after all: keep the text, the parser names the key if it is wrong.
            }
        }
        raw[key.slice(PROJECT.length + 1)] = value;
    }
    return raw;
}
