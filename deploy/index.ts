/**
 * istio-mesh-deploy: the Pulumi Deployments settings of the istio-mesh stacks, as code. It lives apart from
 * the mesh program because a stack that managed its own settings would need two deployments for every
 * change to them (the first runs with the old settings).
 */
import * as pulumi from "@pulumi/pulumi";
import * as service from "@pulumi/pulumiservice";
import { ConfigError, DeployConfig, parseDeployConfig, rawFromPulumiConfig, TargetStack } from "./config";
import { policyGroupArgs, reviewTemplateSettings, StackSettingsPlan, stackSettings } from "./settings";

function loadConfig(): DeployConfig {
    try {
        return parseDeployConfig(rawFromPulumiConfig(pulumi.runtime.allConfig()));
    } catch (err) {
        // Every problem, one per line, without a stack trace.
        throw err instanceof ConfigError ? new pulumi.RunError(err.message) : err;
    }
}

function settingsResource(plan: StackSettingsPlan, opts?: pulumi.CustomResourceOptions): service.DeploymentSettings {
    const { args, secretEnvironmentVariables } = plan;
    const secrets = Object.fromEntries(Object.entries(secretEnvironmentVariables).map(([k, v]) => [k, pulumi.secret(v)]));
    return new service.DeploymentSettings(
        `${plan.stack}-settings`,
        {
            ...args,
            operationContext: { ...args.operationContext, environmentVariables: { ...args.operationContext.environmentVariables, ...secrets } },
        },
        opts,
    );
}

const config = loadConfig();
const settings: Record<string, service.DeploymentSettings> = {};

for (const plan of stackSettings(config)) {
    settings[plan.stack] = settingsResource(plan);
    const drift = config.stacks[plan.stack as TargetStack].driftDetection;
    if (drift) {
        // A drift run is a deployment, so it needs the settings first.
        new service.DriftSchedule(
            `${plan.stack}-drift`,
            { organization: config.organization, project: config.project, stack: plan.stack, scheduleCron: drift.schedule, autoRemediate: drift.autoRemediate },
            { dependsOn: [settings[plan.stack]] },
        );
    }
}

const review = reviewTemplateSettings(config);
if (review) {
    // The template holds no resources, only settings and config to copy, so this program may create it.
    const template = new service.Stack(`${review.stack}-stack`, {
        organizationName: config.organization,
        projectName: config.project,
        stackName: review.stack,
    });
    settings[review.stack] = settingsResource(review, { dependsOn: [template] });
}

if (config.policyGroup) {
    // Deployments have no policy-pack setting: Pulumi Cloud enforces the group's packs on every update of
    // its stacks, from a deployment, a workflow or a laptop alike.
    new service.PolicyGroup("policy-group", policyGroupArgs(config, config.policyGroup));
}

/** The stacks whose deployment settings this program owns, fully qualified. */
export const stacks = Object.fromEntries(Object.keys(settings).map((stack) => [stack, `${config.organization}/${config.project}/${stack}`]));
/** Each stack's drift-detection cron, or "off". */
export const driftSchedules = Object.fromEntries(Object.values(config.stacks).map((s) => [s.stack, s.driftDetection ? s.driftDetection.schedule : "off"]));
