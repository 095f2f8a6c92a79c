/**
 * `npm run bench`'s shape comparison under the real engine: `n` namespaces' worth of Kubernetes objects (8 per
 * namespace under one component, as the mesh program registers them) either one registration per object
 * (`objects`, the program's shape) or one `kubernetes:yaml/v2:ConfigGroup` of YAML text per namespace
 * (`configgroup`, whose children the provider registers). Previewed in render mode through the Automation API, inline,
 * in the state backend of PULUMI_BACKEND_URL, with the state checkpoints skipped as bin/stack.ts previews.
 *
 *   node -r ts-node/register/transpile-only bench/bare/shapes.ts <objects|configgroup> <namespaces> <render dir>
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";

export const SHAPES = ["objects", "configgroup"] as const;
export type Shape = (typeof SHAPES)[number];

/** One namespace's objects: ConfigMaps of about the size of the program's policy objects. */
export function namespaceObjects(i: number): Record<string, unknown>[] {
    return Array.from({ length: 8 }, (_, j) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `object-${j}`, namespace: `team-${i}`, labels: { "app.kubernetes.io/part-of": "bench", team: `team-${i}` } },
        data: { index: `${i}-${j}`, body: "x".repeat(200) },
    }));
}

function program(shape: Shape, n: number, renderDir: string): () => Promise<void> {
    return async () => {
        const provider = new k8s.Provider("render", { renderYamlToDirectory: renderDir });
        for (let i = 0; i < n; i++) {
            const parent = new pulumi.ComponentResource("bench:index:Namespace", `team-${i}`, {}, {});
            const objects = namespaceObjects(i);
            if (shape === "objects") {
                objects.forEach((o, j) => new k8s.core.v1.ConfigMap(`team-${i}-object-${j}`, o, { provider, parent }));
            } else {
                const yaml = objects.map((o) => JSON.stringify(o)).join("\n---\n");
                new k8s.yaml.v2.ConfigGroup(`team-${i}-objects`, { yaml }, { provider, parent });
            }
        }
    };
}

async function main(): Promise<void> {
    const [shape, n, renderDir] = process.argv.slice(2);
    if (!(SHAPES as readonly string[]).includes(shape) || !(Number(n) > 0) || !renderDir) {
        throw new Error("usage: bench/bare/shapes.ts <objects|configgroup> <namespaces> <render dir>");
    }
    const pulumiCommand = await PulumiCommand.get({ skipVersionCheck: true });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: `shape-${shape}-${n}`, projectName: "istio-mesh-bench-shapes", program: program(shape as Shape, Number(n), renderDir) },
        { pulumiCommand, envVars: { PULUMI_SKIP_CHECKPOINTS: "true" } },
    );
    await stack.preview({ color: "never", onOutput: (out) => process.stdout.write(out) });
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (err: unknown) => {
            process.stderr.write(`shapes: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exit(1);
        },
    );
}
