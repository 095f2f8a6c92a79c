import * as assert from "assert";
import { checkDeployConfig, ConfigError, DeployConfig, parseDeployConfig, rawFromPulumiConfig } from "../../deploy/config";

const BASE = { organization: "example-platform", repository: "example-platform/istio-mesh" };

/** The config with BASE plus `extra`, which must be valid. */
const parse = (extra: Record<string, unknown> = {}): DeployConfig => parseDeployConfig({ ...BASE, ...extra });

/** The problems of BASE plus `extra`, as "key: message" lines. */
const problems = (extra: Record<string, unknown>, base: Record<string, unknown> = BASE): string[] =>
    checkDeployConfig({ ...base, ...extra }).problems.map((p) => `${p.key}: ${p.message}`);

describe("deploy config: defaults", () => {
    it("targets the istio-mesh project", () => assert.strictEqual(parse().project, "istio-mesh"));
    it("deploys from main", () => assert.strictEqual(parse().branch, "main"));
    it("finds Pulumi.yaml at the repository root", () => assert.strictEqual(parse().repoDir, "."));
    it("filters no paths", () => assert.deepStrictEqual(parse().paths, []));
    it("leaves push-to-deploy off for both stacks (the deploy workflow deploys)", () =>
        assert.deepStrictEqual([parse().stacks.dev.deployCommits, parse().stacks.prod.deployCommits], [false, false]));
    it("leaves Deployments' pull-request previews off for both stacks (the pull-request workflow previews)", () =>
        assert.deepStrictEqual([parse().stacks.dev.previewPullRequests, parse().stacks.prod.previewPullRequests], [false, false]));
    it("sets no environment variables", () =>
        assert.deepStrictEqual([parse().stacks.dev.environmentVariables, parse().stacks.prod.secretEnvironmentVariables], [{}, {}]));
    it("installs exactly and checks the dev stack file before a dev deployment", () =>
        assert.deepStrictEqual(parse().stacks.dev.preRunCommands, ["npm ci --ignore-scripts", "npm run config:check -- Pulumi.dev.yaml"]));
    it("installs exactly and checks the prod stack file before a prod deployment", () =>
        assert.deepStrictEqual(parse().stacks.prod.preRunCommands, ["npm ci --ignore-scripts", "npm run config:check -- Pulumi.prod.yaml"]));
    it("detects dev drift every six hours without remediating", () =>
        assert.deepStrictEqual(parse().stacks.dev.driftDetection, { schedule: "0 */6 * * *", autoRemediate: false }));
    it("detects prod drift every hour without remediating", () =>
        assert.deepStrictEqual(parse().stacks.prod.driftDetection, { schedule: "0 * * * *", autoRemediate: false }));
    it("uses Pulumi's default executor image", () => assert.strictEqual(parse().stacks.dev.executorImage, undefined));
    it("has no review stacks", () => assert.strictEqual(parse().reviewStacks, undefined));
    it("names the review template pr when review stacks are simply switched on", () =>
        assert.deepStrictEqual(parse({ reviewStacks: true }).reviewStacks, { templateStack: "pr" }));
    it("manages no policy group", () => assert.strictEqual(parse().policyGroup, undefined));
    it("defaults the policy group to a preventative istio-mesh group enforcing istio-mesh-guard", () =>
        assert.deepStrictEqual(parse({ policyGroup: { version: "0.1.0" } }).policyGroup, {
            name: "istio-mesh",
            mode: "preventative",
            pack: "istio-mesh-guard",
            version: "0.1.0",
            config: {},
        }));
});

describe("deploy config: accepted values", () => {
    it("switches drift detection off with false", () => assert.strictEqual(parse({ dev: { driftDetection: false } }).stacks.dev.driftDetection, undefined));
    it("lets dev remediate drift", () =>
        assert.strictEqual(parse({ dev: { driftDetection: { autoRemediate: true } } }).stacks.dev.driftDetection?.autoRemediate, true));
    it("normalises the spacing of a cron expression", () =>
        assert.strictEqual(parse({ prod: { driftDetection: { schedule: " 15  2 * * 1-5 " } } }).stacks.prod.driftDetection?.schedule, "15 2 * * 1-5"));
    it("lets dev deploy on push", () => assert.strictEqual(parse({ dev: { deployCommits: true } }).stacks.dev.deployCommits, true));
    it("takes a boolean given as text by `pulumi config set`", () =>
        assert.strictEqual(parse({ dev: { previewPullRequests: "true" } }).stacks.dev.previewPullRequests, true));
    it("keeps secret environment variables apart from plain ones", () => {
        const dev = parse({ dev: { environmentVariables: { LOG_LEVEL: "debug" }, secretEnvironmentVariables: { HARBOR_PASSWORD: "s3cret" } } }).stacks.dev;
        assert.deepStrictEqual([dev.environmentVariables, dev.secretEnvironmentVariables], [{ LOG_LEVEL: "debug" }, { HARBOR_PASSWORD: "s3cret" }]);
    });
    it("takes an executor image", () =>
        assert.strictEqual(
            parse({ prod: { executorImage: "harbor.example.com/pulumi/pulumi-nodejs:3.270.0" } }).stacks.prod.executorImage,
            "harbor.example.com/pulumi/pulumi-nodejs:3.270.0",
        ));
    it("passes policy pack config through", () =>
        assert.deepStrictEqual(parse({ policyGroup: { version: "0.1.0", config: { all: "mandatory" } } }).policyGroup?.config, { all: "mandatory" }));
});

describe("deploy config: problems", () => {
    it("names an unknown key", () =>
        assert.deepStrictEqual(problems({ stacks: {} }), [
            "istio-mesh-deploy:stacks: unknown config key; known keys: organization, project, repository, branch, repoDir, paths, dev, prod, reviewStacks, policyGroup",
        ]));
    it("requires the organization and the repository", () =>
        assert.deepStrictEqual(problems({}, {}), [
            "istio-mesh-deploy:organization: required: the Pulumi organization that owns the mesh stacks",
            'istio-mesh-deploy:repository: required: the GitHub repository as "owner/name", e.g. "example-platform/istio-mesh"',
        ]));
    it("refuses an organization name with spaces", () =>
        assert.deepStrictEqual(problems({ organization: "example platform" }), [
            'istio-mesh-deploy:organization: must be the Pulumi organization that owns the mesh stacks (got "example platform")',
        ]));
    it("refuses a repository URL", () =>
        assert.deepStrictEqual(problems({ repository: "https://github.com/example-platform/istio-mesh" }), [
            'istio-mesh-deploy:repository: must be the GitHub repository as "owner/name", e.g. "example-platform/istio-mesh" (got "https://github.com/example-platform/istio-mesh")',
        ]));
    it("refuses a non-string value", () => assert.deepStrictEqual(problems({ branch: 5 }), ["istio-mesh-deploy:branch: must be a non-empty string (got 5)"]));
    it("refuses a project name with a slash", () =>
        assert.deepStrictEqual(problems({ project: "a/b" }), ['istio-mesh-deploy:project: must be a Pulumi project name (got "a/b")']));
    it("refuses to manage its own project's settings", () =>
        assert.deepStrictEqual(problems({ project: "istio-mesh-deploy" }), [
            "istio-mesh-deploy:project: must be the mesh program's project, not this program's own (istio-mesh-deploy): a stack must not manage its own deployment settings",
        ]));
    it("refuses an absolute repoDir", () =>
        assert.deepStrictEqual(problems({ repoDir: "/src" }), [
            'istio-mesh-deploy:repoDir: must be a path inside the repository, relative to its root, without ".." (got "/src")',
        ]));
    it("refuses a repoDir that leaves the repository", () =>
        assert.deepStrictEqual(problems({ repoDir: "mesh/../.." }), [
            'istio-mesh-deploy:repoDir: must be a path inside the repository, relative to its root, without ".." (got "mesh/../..")',
        ]));
    it("refuses paths that are not a list of strings", () =>
        assert.deepStrictEqual(problems({ paths: "components/**" }), ['istio-mesh-deploy:paths: must be a list of non-empty strings (got "components/**")']));
    it("refuses a stack section that is not an object", () =>
        assert.deepStrictEqual(problems({ dev: "on" }), [
            'istio-mesh-deploy:dev: must be an object with keys deployCommits, previewPullRequests, environmentVariables, secretEnvironmentVariables, preRunCommands, driftDetection, executorImage (got "on")',
        ]));
    it("names an unknown key of a stack section", () =>
        assert.deepStrictEqual(problems({ prod: { deployOnPush: true } }), [
            "istio-mesh-deploy:prod.deployOnPush: unknown key; known keys: deployCommits, previewPullRequests, environmentVariables, secretEnvironmentVariables, preRunCommands, driftDetection, executorImage",
        ]));
    it("refuses a boolean that is not one", () =>
        assert.deepStrictEqual(problems({ dev: { deployCommits: "yes" } }), ['istio-mesh-deploy:dev.deployCommits: must be true or false (got "yes")']));
    it("refuses push-to-deploy for prod", () =>
        assert.deepStrictEqual(problems({ prod: { deployCommits: true } }), [
            "istio-mesh-deploy:prod.deployCommits: must be false for prod: push-to-deploy would update prod without the manual approval of the `production` environment in .github/workflows/deploy.yml",
        ]));
    it("refuses environment variables that are not a map", () =>
        assert.deepStrictEqual(problems({ dev: { environmentVariables: ["A=1"] } }), [
            'istio-mesh-deploy:dev.environmentVariables: must be a map of NAME: value (got ["A=1"])',
        ]));
    it("refuses an invalid environment variable name", () =>
        assert.deepStrictEqual(problems({ dev: { environmentVariables: { "1LOG": "x" } } }), [
            "istio-mesh-deploy:dev.environmentVariables.1LOG: is not a valid environment variable name (letters, digits and _, not starting with a digit)",
        ]));
    it("refuses an environment variable value that is not a string", () =>
        assert.deepStrictEqual(problems({ prod: { secretEnvironmentVariables: { RETRIES: 3 } } }), [
            "istio-mesh-deploy:prod.secretEnvironmentVariables.RETRIES: must be a string (got 3); quote numbers and booleans",
        ]));
    it("refuses a credential among the plain environment variables", () =>
        assert.deepStrictEqual(problems({ prod: { environmentVariables: { HARBOR_PASSWORD: "hunter2" } } }), [
            "istio-mesh-deploy:prod.environmentVariables.HARBOR_PASSWORD: looks like a credential; move it to istio-mesh-deploy:prod.secretEnvironmentVariables and set it with `pulumi config set --secret --path 'istio-mesh-deploy:prod.secretEnvironmentVariables.HARBOR_PASSWORD'`",
        ]));
    it("refuses a variable set both plainly and as a secret", () =>
        assert.deepStrictEqual(problems({ dev: { environmentVariables: { REGION: "a" }, secretEnvironmentVariables: { REGION: "b" } } }), [
            "istio-mesh-deploy:dev.environmentVariables.REGION: is also set in istio-mesh-deploy:dev.secretEnvironmentVariables; set it in one place",
        ]));
    it("refuses pre-run commands that are not a list", () =>
        assert.deepStrictEqual(problems({ dev: { preRunCommands: "npm ci" } }), [
            'istio-mesh-deploy:dev.preRunCommands: must be a list of non-empty strings (got "npm ci")',
        ]));
    it("refuses pre-run commands without npm ci", () =>
        assert.deepStrictEqual(problems({ dev: { preRunCommands: ["npm install"] } }), [
            "istio-mesh-deploy:dev.preRunCommands: must include `npm ci --ignore-scripts`: deployments skip Pulumi's own dependency install, so without it the program has no node_modules",
        ]));
    it("refuses a cron expression with six fields", () =>
        assert.deepStrictEqual(problems({ dev: { driftDetection: { schedule: "0 0 * * * *" } } }), [
            'istio-mesh-deploy:dev.driftDetection.schedule: must be a five-field cron expression "minute hour day month weekday", e.g. "0 * * * *" (got "0 0 * * * *")',
        ]));
    it("refuses a cron macro", () =>
        assert.deepStrictEqual(problems({ dev: { driftDetection: { schedule: "@hourly" } } }), [
            'istio-mesh-deploy:dev.driftDetection.schedule: must be a five-field cron expression "minute hour day month weekday", e.g. "0 * * * *" (got "@hourly")',
        ]));
    it("names an unknown key of drift detection", () =>
        assert.deepStrictEqual(problems({ dev: { driftDetection: { cron: "0 * * * *" } } }), [
            "istio-mesh-deploy:dev.driftDetection.cron: unknown key; known keys: schedule, autoRemediate",
        ]));
    it("refuses drift remediation on prod", () =>
        assert.deepStrictEqual(problems({ prod: { driftDetection: { autoRemediate: true } } }), [
            "istio-mesh-deploy:prod.driftDetection.autoRemediate: must be false for prod: remediation runs `pulumi up` without the approval every prod update needs; fix drift through a reviewed change instead",
        ]));
    it("refuses an executor image with uppercase letters", () =>
        assert.deepStrictEqual(problems({ dev: { executorImage: "Pulumi/Pulumi" } }), [
            'istio-mesh-deploy:dev.executorImage: must be a container image reference such as pulumi/pulumi-nodejs:3.270.0 (got "Pulumi/Pulumi")',
        ]));
    it("refuses dev as the review template", () =>
        assert.deepStrictEqual(problems({ reviewStacks: { templateStack: "dev" } }), [
            "istio-mesh-deploy:reviewStacks.templateStack: must not be dev: every review stack copies the template's stack file, and a second mesh in the dev cluster would fight over the cluster-wide Istio CRDs and webhooks; use a stack of its own whose kubernetes context is a disposable cluster",
        ]));
    it("refuses prod as the review template", () =>
        assert.deepStrictEqual(problems({ reviewStacks: { templateStack: "prod" } }), [
            "istio-mesh-deploy:reviewStacks.templateStack: must not be prod: every review stack copies the template's stack file, and a second mesh in the prod cluster would fight over the cluster-wide Istio CRDs and webhooks; use a stack of its own whose kubernetes context is a disposable cluster",
        ]));
    it("refuses a review template name with a slash", () =>
        assert.deepStrictEqual(problems({ reviewStacks: { templateStack: "org/pr" } }), [
            'istio-mesh-deploy:reviewStacks.templateStack: must be a stack name (got "org/pr")',
        ]));
    it("names an unknown key of review stacks", () =>
        assert.deepStrictEqual(problems({ reviewStacks: { template: "pr" } }), [
            "istio-mesh-deploy:reviewStacks.template: unknown key; known keys: templateStack",
        ]));
    it("requires the version of the pack a policy group enforces", () =>
        assert.deepStrictEqual(problems({ policyGroup: {} }), [
            'istio-mesh-deploy:policyGroup.version: required: the published pack version, e.g. "0.1.0" (see `pulumi policy ls`)',
        ]));
    it("refuses latest as a pack version", () =>
        assert.deepStrictEqual(problems({ policyGroup: { version: "latest" } }), [
            'istio-mesh-deploy:policyGroup.version: must be the published pack version, e.g. "0.1.0" (see `pulumi policy ls`) (got "latest")',
        ]));
    it("refuses an unknown policy group mode", () =>
        assert.deepStrictEqual(problems({ policyGroup: { version: "0.1.0", mode: "enforce" } }), [
            'istio-mesh-deploy:policyGroup.mode: must be preventative or audit (got "enforce")',
        ]));
    it("refuses invalid group and pack names", () =>
        assert.deepStrictEqual(problems({ policyGroup: { version: "0.1.0", name: "my group", pack: "-guard" } }), [
            'istio-mesh-deploy:policyGroup.name: must be a policy group name (got "my group")',
            'istio-mesh-deploy:policyGroup.pack: must be a policy pack name (got "-guard")',
        ]));
    it("refuses pack config that is not a map", () =>
        assert.deepStrictEqual(problems({ policyGroup: { version: "0.1.0", config: "advisory" } }), [
            'istio-mesh-deploy:policyGroup.config: must be a map of policy name to settings (got "advisory")',
        ]));
    it("refuses a policy group that is not an object", () =>
        assert.deepStrictEqual(problems({ policyGroup: "istio-mesh" }), [
            'istio-mesh-deploy:policyGroup: must be an object with keys name, mode, pack, version, config (got "istio-mesh")',
        ]));
    it("reports every problem at once in a ConfigError, one per line", () =>
        assert.throws(
            () => parseDeployConfig({ organization: "example-platform", branch: 1 }),
            (err: unknown) =>
                err instanceof ConfigError &&
                err.message ===
                    "invalid stack configuration:\n" +
                        'istio-mesh-deploy:repository: required: the GitHub repository as "owner/name", e.g. "example-platform/istio-mesh"\n' +
                        "istio-mesh-deploy:branch: must be a non-empty string (got 1)",
        ));
});

describe("deploy config: reading the runtime's config", () => {
    it("decodes object values the CLI passes as JSON", () =>
        assert.deepStrictEqual(rawFromPulumiConfig({ "istio-mesh-deploy:dev": '{"deployCommits":true}' }), { dev: { deployCommits: true } }));
    it("keeps scalars as text", () => assert.deepStrictEqual(rawFromPulumiConfig({ "istio-mesh-deploy:branch": "main" }), { branch: "main" }));
    it("keeps text that only looks like JSON", () => assert.deepStrictEqual(rawFromPulumiConfig({ "istio-mesh-deploy:branch": "[wip" }), { branch: "[wip" }));
    it("ignores other namespaces' keys", () => assert.deepStrictEqual(rawFromPulumiConfig({ "pulumiservice:accessToken": "x", "istio-mesh:istio": "{}" }), {}));
});
