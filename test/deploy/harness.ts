/**
 * Runs deploy/index.ts against Pulumi's mock engine. deploy/ is a program of its own with its own
 * node_modules, so its `@pulumi/pulumi` is a second copy of the SDK: the mocks must be installed through
 * that copy (the SDK keeps the monitor in a module variable), not through the root one test/mocks.ts uses.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Recorded, recordingMonitor, REPO_ROOT, secretPaths, Stack } from "../mocks";

export { secretPaths, Stack };

export const DEPLOY_DIR = path.join(REPO_ROOT, "deploy");
export const DEPLOY_PROJECT = "istio-mesh-deploy";

/** deploy/'s own copy of an SDK module. */
function sdk(module: string): any {
    return require(require.resolve(`@pulumi/pulumi${module}`, { paths: [DEPLOY_DIR] }));
}

/**
 * Runs the deploy program with `config` (key without the project prefix to value, as in a stack file) and
 * resolves once every registration has finished.
 */
export async function runDeploy(config: Record<string, unknown>, secretKeys: string[] = []): Promise<Stack> {
    const records: Recorded[] = [];
    const settings = sdk("/runtime/settings");
    const pulumi = sdk("");
    settings.setMockOptions(recordingMonitor(records, sdk("/runtime/mocks").MockMonitor), DEPLOY_PROJECT, "platform", false);
    Object.assign(sdk("/runtime/state").getStore(), { supportsSecrets: true, supportsResourceReferences: true });
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        flat[`${DEPLOY_PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(
        flat,
        secretKeys.map((k) => `${DEPLOY_PROJECT}:${k}`),
    );
    for (const file of Object.keys(require.cache)) {
        if (file.startsWith(DEPLOY_DIR + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[file];
    }
    const program = require(path.join(DEPLOY_DIR, "index"));
    await settings.waitForRPCs();
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(program)) {
        outputs[key] = await new Promise((resolve) => pulumi.output(value).apply(resolve));
    }
    await settings.waitForRPCs();
    return new Stack(records, outputs);
}

/** The `istio-mesh-deploy:*` keys of one of deploy/'s stack files, as raw values. */
export function deployStackFile(stack: string): Record<string, unknown> {
    const doc = parse(fs.readFileSync(path.join(DEPLOY_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (key.startsWith(`${DEPLOY_PROJECT}:`)) raw[key.slice(DEPLOY_PROJECT.length + 1)] = value;
    }
    return raw;
}
