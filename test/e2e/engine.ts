/**
 * What the e2e tests share: a fresh file backend per run, the program run on a stack through bin/stack.ts (the
 * Automation API, inline; one Node process per run because the program registers its resources when loaded),
 * the CLI for stack bookkeeping, and the rendered manifests read back.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

export const root = path.resolve(__dirname, "../..");
const backend = fs.mkdtempSync(path.join(os.tmpdir(), "istio-mesh-e2e-"));
const env = { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "" };
/** The istioctl that scripts/e2e.sh provides (built from the Go module proxy when none is installed). */
export const istioctl = process.env.ISTIOCTL ?? "istioctl";

export interface Run {
    code: number | null;
    out: string;
}

export function run(cmd: string, args: string[]): Run {
    const r = spawnSync(cmd, args, { cwd: root, env, encoding: "utf8", maxBuffer: 256 << 20 });
    return { code: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}
export const pulumi = (...args: string[]) => run("pulumi", [...args, "--non-interactive", "--color", "never"]);
/** Runs the program on a stack in a fresh Node process (bin/stack.ts), with the policy pack unless told not to. */
export const stackRun = (...args: string[]) => run(process.execPath, ["-r", "ts-node/register/transpile-only", "bin/stack.ts", ...args]);
export const show = (r: Run) => `exit ${r.code}\n${r.out.split("\n").slice(-60).join("\n")}`;
export const mandatory = (out: string) => out.split("\n").filter((l) => l.includes("[mandatory]"));

/** Starts `stack` afresh in this run's backend, its render directory emptied. */
export function freshStack(stack: string, renderDir: string): void {
    fs.rmSync(renderDir, { recursive: true, force: true });
    const init = pulumi("stack", "init", stack);
    assert.equal(init.code, 0, show(init));
}

/** An up of `stack` with the policy pack, which must pass with no mandatory violation; the objects it rendered. */
export function renderStack(stack: string, renderDir: string): any[] {
    const r = stackRun("up", "--stack", stack);
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(mandatory(r.out), []);
    return manifests(renderDir);
}

/** A stack file's `config:` map. */
export const stackConfig = (stack: string): Record<string, any> => YAML.parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")).config;

/** A throwaway stack: `base`'s config with `change` applied, rendering into a temporary directory. */
export function scratchStack(name: string, base: Record<string, any>, change: (config: Record<string, any>) => void): () => void {
    const config = structuredClone(base);
    config["kubernetes:renderYamlToDirectory"] = fs.mkdtempSync(path.join(os.tmpdir(), `istio-mesh-${name}-`));
    change(config);
    const file = path.join(root, `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, YAML.stringify({ config }));
    const init = pulumi("stack", "init", name);
    assert.equal(init.code, 0, show(init));
    return () => {
        pulumi("stack", "rm", name, "--yes", "--force", "--preserve-config");
        fs.rmSync(file, { force: true });
        fs.rmSync(config["kubernetes:renderYamlToDirectory"], { recursive: true, force: true });
    };
}

/** Every object in the YAML files under a directory. */
export function manifests(dir: string): any[] {
    const objects: any[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
        if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
        const text = fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8");
        objects.push(
            ...YAML.parseAllDocuments(text)
                .map((d) => d.toJS())
                .filter((o) => o?.kind),
        );
    }
    return objects;
}

// A root hook: the backend goes when every e2e suite has run.
after(() => fs.rmSync(backend, { recursive: true, force: true }));
