/**
 * End to end with the real engine: the `upgrade` stack (Pulumi.upgrade.yaml, the mesh mid-upgrade from Istio
 * 1.29.6 to 1.30.3) rendered to rendered-upgrade/, then its manifests validated and checked by the manifest
 * checker. Needs only the kubernetes provider plugin.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

const root = path.resolve(__dirname, "../..");
const rendered = path.join(root, "rendered-upgrade");
const backend = fs.mkdtempSync(path.join(os.tmpdir(), "istio-mesh-e2e-upgrade-"));
const env = { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "", PULUMI_NODEJS_TRANSPILE_ONLY: "true" };

function run(cmd: string, args: string[]): { code: number | null; out: string } {
    const r = spawnSync(cmd, args, { cwd: root, env, encoding: "utf8", maxBuffer: 256 << 20 });
    return { code: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}
const pulumi = (...args: string[]) => run("pulumi", [...args, "--non-interactive", "--color", "never"]);
const show = (r: { code: number | null; out: string }) => `exit ${r.code}\n${r.out.split("\n").slice(-60).join("\n")}`;
const mandatory = (out: string) => out.split("\n").filter((l) => l.includes("[mandatory]"));

describe("npm run render with the real engine (upgrade stack: two revisions, tags)", () => {
    let objects: any[] = [];
    const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name);

    before(() => {
        fs.rmSync(rendered, { recursive: true, force: true });
        const init = pulumi("stack", "init", "upgrade");
        assert.equal(init.code, 0, show(init));
    });
    after(() => fs.rmSync(backend, { recursive: true, force: true }));

    it("updates with the policy pack enforced and no mandatory violation", () => {
        const r = pulumi("up", "--yes", "--stack", "upgrade", "--policy-pack", "policy-pack");
        assert.equal(r.code, 0, show(r));
        assert.deepEqual(mandatory(r.out), []);
        for (const entry of fs.readdirSync(rendered, { withFileTypes: true, recursive: true })) {
            if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
            const text = fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8");
            objects.push(...YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o?.kind));
        }
    });

    it("reports no changes on a second up: both revisions' webhooks keep their drift handling", () => {
        const r = pulumi("up", "--yes", "--expect-no-changes", "--stack", "upgrade", "--policy-pack", "policy-pack");
        assert.equal(r.code, 0, show(r));
    });

    it("renders two istiod Deployments, one per revision, with its version's image", () => {
        for (const [rev, version] of [["1-29-6", "1.29.6"], ["1-30-3", "1.30.3"]]) {
            const d = named("Deployment", `istiod-${rev}`);
            assert.ok(d, `no istiod-${rev} Deployment`);
            assert.match(d.spec.template.spec.containers[0].image, new RegExp(`:${version.replace(/\./g, "\\.")}`));
        }
    });

    it("renders each tag's webhook from the revision it points to", () => {
        assert.equal(named("MutatingWebhookConfiguration", "istio-revision-tag-prod-stable")?.metadata.labels["istio.io/rev"], "1-29-6");
        assert.equal(named("MutatingWebhookConfiguration", "istio-revision-tag-prod-canary")?.metadata.labels["istio.io/rev"], "1-30-3");
    });

    it("labels the created namespace by its tag", () => assert.equal(named("Namespace", "customer-apps")?.metadata.labels["istio.io/rev"], "prod-canary"));

    it("validates against the pinned schemas", () => {
        const r = run("npm", ["run", "--silent", "validate", "--", rendered]);
        assert.equal(r.code, 0, show(r));
    });

    it("passes the manifest checker with no mandatory violation", () => {
        const r = run("npm", ["run", "--silent", "guard", "--", rendered]);
        assert.equal(r.code, 0, show(r));
        assert.deepEqual(mandatory(r.out), []);
    });
});
