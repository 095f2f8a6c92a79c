/**
 * The deploy program run against Pulumi's mocks: what Pulumi Cloud is told about dev, prod, the review
 * template and the policy group.
 */
import * as assert from "assert";
import { deployStackFile, runDeploy, secretPaths, Stack } from "./harness";

const SETTINGS = "pulumiservice:index:DeploymentSettings";
const DRIFT = "pulumiservice:index:DriftSchedule";
const STACK = "pulumiservice:index:Stack";
const GROUP = "pulumiservice:index:PolicyGroup";

const BASE = { organization: "example-platform", repository: "example-platform/istio-mesh" };

describe("deploy program", () => {
    describe("with the defaults", () => {
        let stack: Stack;
        before(async () => {
            stack = await runDeploy(BASE);
        });

        it("registers settings for dev and prod only", () =>
            assert.deepStrictEqual(
                stack
                    .ofType(SETTINGS)
                    .map((r) => r.name)
                    .sort(),
                ["dev-settings", "prod-settings"],
            ));
        it("gives dev its source, pre-run commands and options", () =>
            assert.deepStrictEqual(stack.get(SETTINGS, "dev-settings").inputs, {
                organization: "example-platform",
                project: "istio-mesh",
                stack: "dev",
                sourceContext: { git: { branch: "refs/heads/main" } },
                vcs: {
                    provider: "github",
                    repository: "example-platform/istio-mesh",
                    deployCommits: false,
                    previewPullRequests: false,
                    pullRequestTemplate: false,
                },
                operationContext: {
                    preRunCommands: ["npm ci --ignore-scripts", "npm run config:check -- Pulumi.dev.yaml"],
                    environmentVariables: {},
                    options: { skipInstallDependencies: true, skipIntermediateDeployments: true, deleteAfterDestroy: false },
                },
            }));
        it("gives prod the same source and checks its own stack file", () => {
            const prod = stack.get(SETTINGS, "prod-settings").inputs;
            assert.deepStrictEqual(
                [prod.stack, prod.sourceContext, prod.vcs.deployCommits, prod.operationContext.preRunCommands],
                ["prod", { git: { branch: "refs/heads/main" } }, false, ["npm ci --ignore-scripts", "npm run config:check -- Pulumi.prod.yaml"]],
            );
        });
        it("schedules drift detection of dev every six hours and prod every hour", () =>
            assert.deepStrictEqual(
                stack
                    .ofType(DRIFT)
                    .map((r) => r.inputs)
                    .sort((a, b) => a.stack.localeCompare(b.stack)),
                [
                    { organization: "example-platform", project: "istio-mesh", stack: "dev", scheduleCron: "0 */6 * * *", autoRemediate: false },
                    { organization: "example-platform", project: "istio-mesh", stack: "prod", scheduleCron: "0 * * * *", autoRemediate: false },
                ],
            ));
        it("creates each drift schedule after its stack's settings", () =>
            assert.deepStrictEqual(
                stack
                    .ofType(DRIFT)
                    .map((r) => [r.name, ...stack.dependencyNames(r)])
                    .sort(),
                [
                    ["dev-drift", "dev-settings"],
                    ["prod-drift", "prod-settings"],
                ],
            ));
        it("creates no review template and no policy group", () => assert.deepStrictEqual([stack.ofType(STACK).length, stack.ofType(GROUP).length], [0, 0]));
        it("marks nothing secret", () =>
            assert.deepStrictEqual(
                stack.resources.flatMap((r) => secretPaths(r.wire)),
                [],
            ));
        it("exports the stacks it configures", () =>
            assert.deepStrictEqual(stack.outputs.stacks, { dev: "example-platform/istio-mesh/dev", prod: "example-platform/istio-mesh/prod" }));
        it("exports the drift schedules", () => assert.deepStrictEqual(stack.outputs.driftSchedules, { dev: "0 */6 * * *", prod: "0 * * * *" }));
    });

    describe("with environment variables", () => {
        let stack: Stack;
        before(async () => {
            stack = await runDeploy(
                {
                    ...BASE,
                    prod: {
                        environmentVariables: { HELM_REGISTRY: "harbor.example.com" },
                        secretEnvironmentVariables: { HARBOR_PASSWORD: "s3cret", HARBOR_USERNAME: "robot$mesh" },
                    },
                },
                ["prod"],
            );
        });

        it("hands every variable to the deployment", () =>
            assert.deepStrictEqual(stack.get(SETTINGS, "prod-settings").inputs.operationContext.environmentVariables, {
                HELM_REGISTRY: "harbor.example.com",
                HARBOR_PASSWORD: "s3cret",
                HARBOR_USERNAME: "robot$mesh",
            }));
        it("marks the secret ones secret, and only those", () =>
            assert.deepStrictEqual(secretPaths(stack.get(SETTINGS, "prod-settings").wire).sort(), [
                "operationContext.environmentVariables.HARBOR_PASSWORD",
                "operationContext.environmentVariables.HARBOR_USERNAME",
            ]));
        it("leaves dev's settings without secrets", () => assert.deepStrictEqual(secretPaths(stack.get(SETTINGS, "dev-settings").wire), []));
    });

    describe("with a stack's options changed", () => {
        let stack: Stack;
        before(async () => {
            stack = await runDeploy({
                ...BASE,
                branch: "release",
                repoDir: "mesh",
                paths: ["mesh/**"],
                dev: { deployCommits: true, previewPullRequests: true, driftDetection: false, executorImage: "pulumi/pulumi-nodejs:3.270.0" },
            });
        });

        it("deploys from the branch and directory given", () =>
            assert.deepStrictEqual(stack.get(SETTINGS, "dev-settings").inputs.sourceContext, { git: { branch: "refs/heads/release", repoDir: "mesh" } }));
        it("turns on push-to-deploy and previews for dev, filtered to the paths", () => {
            const vcs = stack.get(SETTINGS, "dev-settings").inputs.vcs;
            assert.deepStrictEqual([vcs.deployCommits, vcs.previewPullRequests, vcs.paths], [true, true, ["mesh/**"]]);
        });
        it("runs dev in the executor image given", () =>
            assert.deepStrictEqual(stack.get(SETTINGS, "dev-settings").inputs.executorContext, { executorImage: "pulumi/pulumi-nodejs:3.270.0" }));
        it("leaves prod on the default executor image", () => assert.strictEqual(stack.get(SETTINGS, "prod-settings").inputs.executorContext, undefined));
        it("schedules no drift detection for dev", () =>
            assert.deepStrictEqual(
                stack.ofType(DRIFT).map((r) => r.name),
                ["prod-drift"],
            ));
        it("exports dev's drift detection as off", () => assert.deepStrictEqual(stack.outputs.driftSchedules, { dev: "off", prod: "0 * * * *" }));
    });

    describe("with review stacks", () => {
        let stack: Stack;
        before(async () => {
            stack = await runDeploy({ ...BASE, reviewStacks: { templateStack: "review" }, dev: { secretEnvironmentVariables: { HARBOR_PASSWORD: "s3cret" } } });
        });

        it("creates the template stack in the mesh project", () =>
            assert.deepStrictEqual(stack.get(STACK, "review-stack").inputs, {
                organizationName: "example-platform",
                projectName: "istio-mesh",
                stackName: "review",
            }));
        it("marks the template as the pull-request template, deploying nothing itself", () =>
            assert.deepStrictEqual(stack.get(SETTINGS, "review-settings").inputs.vcs, {
                provider: "github",
                repository: "example-platform/istio-mesh",
                deployCommits: false,
                previewPullRequests: false,
                pullRequestTemplate: true,
            }));
        it("checks the template's own stack file before each review deployment", () =>
            assert.deepStrictEqual(stack.get(SETTINGS, "review-settings").inputs.operationContext.preRunCommands, [
                "npm ci --ignore-scripts",
                "npm run config:check -- Pulumi.review.yaml",
            ]));
        it("deletes a review stack once it is destroyed", () =>
            assert.strictEqual(stack.get(SETTINGS, "review-settings").inputs.operationContext.options.deleteAfterDestroy, true));
        it("keeps dev's secrets secret in the template", () =>
            assert.deepStrictEqual(secretPaths(stack.get(SETTINGS, "review-settings").wire), ["operationContext.environmentVariables.HARBOR_PASSWORD"]));
        it("configures the template after creating it", () =>
            assert.deepStrictEqual(stack.dependencyNames(stack.get(SETTINGS, "review-settings")), ["review-stack"]));
        it("schedules no drift detection for the template", () =>
            assert.deepStrictEqual(
                stack
                    .ofType(DRIFT)
                    .map((r) => r.inputs.stack)
                    .sort(),
                ["dev", "prod"],
            ));
        it("exports the template among the stacks", () =>
            assert.strictEqual((stack.outputs.stacks as Record<string, string>).review, "example-platform/istio-mesh/review"));
    });

    describe("with a policy group", () => {
        let stack: Stack;
        before(async () => {
            stack = await runDeploy({
                ...BASE,
                policyGroup: { version: "0.2.0", config: { "peer-authentication-strict-mtls": { exemptNamespaces: ["legacy"] } } },
            });
        });

        it("enforces the pack version on dev and prod, preventatively", () =>
            assert.deepStrictEqual(stack.get(GROUP, "policy-group").inputs, {
                organizationName: "example-platform",
                name: "istio-mesh",
                mode: "preventative",
                entityType: "stacks",
                policyPacks: [
                    { name: "istio-mesh-guard", versionTag: "0.2.0", config: { "peer-authentication-strict-mtls": { exemptNamespaces: ["legacy"] } } },
                ],
                stacks: [
                    { name: "dev", routingProject: "istio-mesh" },
                    { name: "prod", routingProject: "istio-mesh" },
                ],
            }));
    });

    describe("with the platform stack file", () => {
        let stack: Stack;
        before(async () => {
            stack = await runDeploy(deployStackFile("platform"));
        });

        it("configures dev and prod", () =>
            assert.deepStrictEqual(
                stack
                    .ofType(SETTINGS)
                    .map((r) => r.inputs.stack)
                    .sort(),
                ["dev", "prod"],
            ));
        it("enforces the published pack through the istio-mesh group", () =>
            assert.deepStrictEqual(stack.get(GROUP, "policy-group").inputs.policyPacks, [{ name: "istio-mesh-guard", versionTag: "0.1.0" }]));
    });

    it("stops on invalid config before registering anything, naming every problem", async () => {
        await assert.rejects(
            runDeploy({ organization: "example-platform", prod: { deployCommits: true } }),
            (err: Error) =>
                err.message ===
                "invalid stack configuration:\n" +
                    'istio-mesh-deploy:repository: required: the GitHub repository as "owner/name", e.g. "example-platform/istio-mesh"\n' +
                    "istio-mesh-deploy:prod.deployCommits: must be false for prod: push-to-deploy would update prod without the manual approval of the `production` environment in .github/workflows/deploy.yml",
        );
    });
});
