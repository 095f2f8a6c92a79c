/**
 * End to end with the real engine: the `upgrade` stack (Pulumi.upgrade.yaml, the mesh mid-upgrade from Istio
 * 1.29.6 to 1.30.3) rendered to rendered-upgrade/, then its manifests validated and checked by the manifest
 * checker. Needs only the kubernetes provider plugin.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { freshStack, mandatory, renderStack, root, run, show, stackRun } from "./engine";

const rendered = path.join(root, "rendered-upgrade");

describe("npm run render with the real engine (upgrade stack: two revisions, tags)", () => {
    let objects: any[] = [];
    const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name);

    before(() => {
        freshStack("upgrade", rendered);
    });
    it("updates with the policy pack enforced and no mandatory violation", () => {
        objects = renderStack("upgrade", rendered);
    });

    it("reports no changes on a second up: both revisions' webhooks keep their drift handling", () => {
        const r = stackRun("up", "--stack", "upgrade", "--expect-no-changes");
        assert.equal(r.code, 0, show(r));
    });

    it("renders two istiod Deployments, one per revision, with its version's image", () => {
        for (const [rev, version] of [
            ["1-29-6", "1.29.6"],
            ["1-30-3", "1.30.3"],
        ]) {
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
