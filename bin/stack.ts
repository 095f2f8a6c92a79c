/**
 * `npm run stack -- <preview|up|destroy|refresh> [--stack <name>] [--no-policy] [--diff] [--expect-no-changes]`: runs this project's
 * program (`index.ts`, through `pulumi-main.js`) on a stack with the Pulumi Automation API, inline.
 *
 * Inline, the program is served from this Node process and the CLI is started with `--client`, so no
 * `pulumi-language-nodejs` is needed: the Pulumi CLI and the provider plugins are all the engine this takes
 * (scripts/toolchain.sh builds them from the Go module proxy). The policy pack runs as an executable policy pack
 * (`policy-pack/istio-mesh-guard`), which likewise needs no language host. `npm run render` and the e2e tests
 * run stacks this way; scripts/pulumi-env.sh sets up the environment (backend, PULUMI_HOME, no kubeconfig).
 *
 * One process runs one program: `index.ts` registers its resources when it is loaded, and Node loads a module
 * once. Exit 0 on success, 1 when the operation failed (the CLI's output says why), 2 on bad arguments.
 */
import * as path from "path";
import { parseArgs } from "util";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

const root = path.resolve(__dirname, "..");
/** The executable policy pack: the CLI starts it with the engine's address, in the pack's directory. */
export const POLICY_PACK = path.join(root, "policy-pack", "istio-mesh-guard");

const OPERATIONS = ["preview", "up", "destroy", "refresh"] as const;
type Operation = (typeof OPERATIONS)[number];

export interface StackRun {
    operation: Operation;
    stack: string;
    policy: boolean;
    diff: boolean;
    /** Fail when the operation would change anything (a second up after a render, a reviewed no-op). */
    expectNoChanges: boolean;
}

const USAGE = "usage: npm run stack -- <preview|up|destroy|refresh> [--stack <name>] [--no-policy] [--diff] [--expect-no-changes]";

/** Reads the command line; throws an Error whose message is the usage problem. */
export function parseStackArgs(argv: string[]): StackRun {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
            stack: { type: "string", default: "local" },
            "no-policy": { type: "boolean", default: false },
            diff: { type: "boolean", default: false },
            "expect-no-changes": { type: "boolean", default: false },
        },
    });
    if (positionals.length !== 1 || !(OPERATIONS as readonly string[]).includes(positionals[0])) {
        throw new Error(`expected one operation, one of ${OPERATIONS.join(", ")}; got '${positionals.join(" ")}'`);
    }
    return {
        operation: positionals[0] as Operation,
        stack: values.stack!,
        policy: !values["no-policy"],
        diff: values.diff!,
        expectNoChanges: values["expect-no-changes"]!,
    };
}

async function selectStack(name: string): Promise<Stack> {
    // The CLI on PATH (scripts/pulumi-env.sh puts the built one there); its version is not the SDK's.
    const pulumiCommand = await PulumiCommand.get({ skipVersionCheck: true });
    return LocalWorkspace.createOrSelectStack(
        {
            stackName: name,
            projectName: "istio-mesh",
            // pulumi-main.js compiles the program (incremental tsc -b) and loads it; its exports are the outputs.
            program: async () => require(path.join(root, "pulumi-main.js")),
        },
        { workDir: root, pulumiCommand },
    );
}

/**
 * Whether the CLI should write its state once, at the end of the operation, instead of after every step
 * (`PULUMI_SKIP_CHECKPOINTS`). After each step the CLI serialises the whole state again, even in a preview,
 * which persists nothing: the work grows with the square of the stack's size (docs/benchmarks.md: a preview
 * of 100 namespaces 65 s with checkpoints, 7 s without). A preview loses nothing by skipping them, and neither
 * does a render, whose state only records what was written to the directory; an up or destroy of a cluster
 * stack keeps them, so an interrupted run still records what it changed. A value in the environment wins.
 */
export function skipCheckpoints(operation: Operation, renderMode: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
    const set = env.PULUMI_SKIP_CHECKPOINTS;
    if (set !== undefined && set !== "") return ["1", "true"].includes(set.toLowerCase());
    return operation === "preview" || renderMode;
}

export async function runStack(run: StackRun): Promise<void> {
    const stack = await selectStack(run.stack);
    const renderMode = "kubernetes:renderYamlToDirectory" in (await stack.getAllConfig());
    (stack.workspace as LocalWorkspace).envVars.PULUMI_SKIP_CHECKPOINTS = String(skipCheckpoints(run.operation, renderMode));
    const common = {
        onOutput: (out: string) => process.stdout.write(out),
        color: "never" as const,
        diff: run.diff,
        expectNoChanges: run.expectNoChanges,
        ...(run.policy ? { policyPacks: [POLICY_PACK] } : {}),
    };
    switch (run.operation) {
        case "preview":
            await stack.preview(common);
            break;
        case "up":
            await stack.up(common);
            break;
        case "refresh":
            await stack.refresh({ onOutput: common.onOutput, color: common.color });
            break;
        case "destroy":
            await stack.destroy({ onOutput: common.onOutput, color: common.color });
            break;
    }
}

if (require.main === module) {
    let run: StackRun;
    try {
        run = parseStackArgs(process.argv.slice(2));
    } catch (err) {
        console.error(`stack: ${(err as Error).message}\n${USAGE}`);
        process.exit(2);
    }
    runStack(run).then(
        () => process.exit(0),
        (err: unknown) => {
            // The CLI's output, diagnostics included, has been streamed already: say only what failed.
            const code = (err as { commandResult?: { code?: number } }).commandResult?.code;
            console.error(
                `stack: ${run.operation} of stack ${run.stack} failed${code === undefined ? `: ${err instanceof Error ? err.message : String(err)}` : ` (the CLI exited ${code})`}`,
            );
            process.exit(1);
        },
    );
}
